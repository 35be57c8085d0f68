package midtrain.data.internal.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * Main text of an HTML page: boilerplate removal on the jsoup DOM, in the spirit of jusText but
 * deliberately small.
 *
 * <ol>
 *   <li>Drop elements that are never main text: {@code script}, {@code style}, {@code nav}, {@code
 *       header}, {@code footer}, {@code aside}, forms and their controls, frames, ARIA navigation,
 *       banner and complementary regions, hidden elements, and elements whose {@code id} or {@code
 *       class} names a navigation, footer, sidebar, cookie notice, share bar, advert or comment
 *       section (whole-word match after splitting on {@code -}, {@code _} and spaces).
 *   <li>Split the rest into blocks: each block element ({@code p}, {@code div}, {@code li}, {@code
 *       h1}..{@code h6}, {@code pre}, {@code td}, ...) gives the text of its inline content;
 *       whitespace is collapsed except in {@code pre}. For each block the link density is the share
 *       of its characters inside {@code <a>}.
 *   <li>Classify: a block with link density over {@value #MAX_LINK_DENSITY} is boilerplate (menus,
 *       tag clouds, "related" lists); a block of at least {@value #GOOD_CHARS} characters is
 *       content; shorter blocks are short.
 *   <li>Keep content blocks and {@code pre} blocks that are not link-dense; keep a short block only
 *       between content blocks (nearest non-short neighbour on both sides is content), and a
 *       heading only when the next non-heading block is content.
 * </ol>
 *
 * <p>Blocks are joined with newlines. Pages whose text is all short (a list of one-liners) give
 * little or nothing: the reader then rejects them as {@code empty}, which is the intended trade-off
 * for pre-training text.
 */
final class MainText {
  static final double MAX_LINK_DENSITY = 0.5;
  static final int GOOD_CHARS = 60;

  private static final String DROP_SELECTOR =
      "script, style, noscript, template, nav, header, footer, aside, form, iframe, frame,"
          + " object, embed, svg, canvas, button, select, textarea, input, menu, dialog,"
          + " [role=navigation], [role=banner], [role=contentinfo], [role=complementary],"
          + " [role=dialog], [aria-hidden=true], [hidden]";

  private static final Set<String> BOILERPLATE_NAMES =
      Set.of(
          "nav",
          "navbar",
          "navigation",
          "menu",
          "footer",
          "sidebar",
          "breadcrumb",
          "breadcrumbs",
          "cookie",
          "cookies",
          "consent",
          "share",
          "sharing",
          "social",
          "advert",
          "advertisement",
          "ads",
          "ad",
          "banner",
          "comments",
          "comment",
          "related",
          "promo",
          "newsletter",
          "subscribe",
          "popup",
          "modal",
          "skip",
          "masthead",
          "widget");

  private static final Pattern NAME_SPLIT = Pattern.compile("[\\s_-]+");
  private static final Pattern SPACES = Pattern.compile("[\\s\\u00A0\\u2000-\\u200B\\u3000]+");

  private static final Set<String> BLOCKS =
      Set.of(
          "body",
          "div",
          "p",
          "section",
          "article",
          "main",
          "li",
          "ul",
          "ol",
          "dl",
          "dd",
          "dt",
          "h1",
          "h2",
          "h3",
          "h4",
          "h5",
          "h6",
          "pre",
          "blockquote",
          "table",
          "tr",
          "td",
          "th",
          "thead",
          "tbody",
          "tfoot",
          "caption",
          "figure",
          "figcaption",
          "address",
          "details",
          "summary",
          "center",
          "hr",
          "fieldset",
          "legend");

  private static final Set<String> KEEP_CONTAINERS = Set.of("html", "body", "main", "article");

  private MainText() {}

  /** One block of text with its tag and link density. */
  record Block(String tag, String text, double linkDensity) {
    boolean heading() {
      return tag.length() == 2 && tag.charAt(0) == 'h' && Character.isDigit(tag.charAt(1));
    }

    boolean pre() {
      return tag.equals("pre");
    }

    boolean linkDense() {
      return linkDensity > MAX_LINK_DENSITY;
    }

    boolean good() {
      return !linkDense() && text.length() >= GOOD_CHARS;
    }
  }

  /**
   * Returns the main text of a page, or an empty string when nothing is left.
   *
   * @param doc the parsed page; boilerplate elements are removed from it
   * @return the text, blocks separated by newlines
   */
  static String extract(Document doc) {
    List<Block> blocks = blocks(doc);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < blocks.size(); i++) {
      if (keep(blocks, i)) {
        if (out.length() > 0) {
          out.append('\n');
        }
        out.append(blocks.get(i).text());
      }
    }
    return out.toString();
  }

  /** Removes boilerplate elements and splits the rest into blocks, in document order. */
  static List<Block> blocks(Document doc) {
    Element body = doc.body();
    List<Block> out = new ArrayList<>();
    if (body == null) {
      return out;
    }
    body.select(DROP_SELECTOR).remove();
    for (Element e : body.getAllElements()) {
      if (e.parent() != null && !KEEP_CONTAINERS.contains(e.normalName()) && namedBoilerplate(e)) {
        e.remove();
      }
    }
    block(body, false, out);
    return out;
  }

  private static boolean namedBoilerplate(Element e) {
    String names = (e.id() + " " + e.className()).toLowerCase(Locale.ROOT);
    if (names.isBlank()) {
      return false;
    }
    for (String t : NAME_SPLIT.split(names)) {
      if (BOILERPLATE_NAMES.contains(t)) {
        return true;
      }
    }
    return false;
  }

  private static final class Segment {
    final String tag;
    final boolean pre;
    final StringBuilder text = new StringBuilder();
    int linkChars;

    Segment(String tag, boolean pre) {
      this.tag = tag;
      this.pre = pre;
    }

    void add(String s, boolean inLink) {
      text.append(s);
      if (inLink) {
        linkChars += SPACES.matcher(s).replaceAll("").length();
      }
    }

    void flush(List<Block> out) {
      String t;
      if (pre) {
        t = text.toString().strip();
      } else {
        t = SPACES.matcher(text).replaceAll(" ").strip();
      }
      if (!t.isEmpty()) {
        int letters = Math.max(1, SPACES.matcher(t).replaceAll("").length());
        out.add(new Block(tag, t, Math.min(1.0, (double) linkChars / letters)));
      }
    }
  }

  private static void block(Element e, boolean inPre, List<Block> out) {
    boolean pre = inPre || e.normalName().equals("pre");
    Segment seg = new Segment(e.normalName(), pre);
    for (Node child : e.childNodes()) {
      if (child instanceof TextNode) {
        seg.add(((TextNode) child).getWholeText(), false);
      } else if (child instanceof Element) {
        Element c = (Element) child;
        if (BLOCKS.contains(c.normalName())) {
          seg.flush(out);
          block(c, pre, out);
          seg = new Segment(e.normalName(), pre);
        } else {
          inline(c, seg, c.normalName().equals("a"));
        }
      }
    }
    seg.flush(out);
  }

  private static void inline(Element e, Segment seg, boolean inLink) {
    if (e.normalName().equals("br")) {
      seg.add(seg.pre ? "\n" : " ", false);
      return;
    }
    for (Node child : e.childNodes()) {
      if (child instanceof TextNode) {
        seg.add(((TextNode) child).getWholeText(), inLink);
      } else if (child instanceof Element) {
        Element c = (Element) child;
        inline(c, seg, inLink || c.normalName().equals("a"));
      }
    }
    if (BLOCKS.contains(e.normalName())) {
      seg.add(" ", false);
    }
  }

  private static boolean keep(List<Block> blocks, int i) {
    Block b = blocks.get(i);
    if (b.linkDense()) {
      return false;
    }
    if (b.good() || b.pre()) {
      return true;
    }
    if (b.heading()) {
      for (int k = i + 1; k < blocks.size(); k++) {
        if (!blocks.get(k).heading()) {
          return blocks.get(k).good();
        }
      }
      return false;
    }
    return neighbour(blocks, i, -1) && neighbour(blocks, i, +1);
  }

  /** Whether the nearest block in a direction that is not short (or a heading) is content. */
  private static boolean neighbour(List<Block> blocks, int i, int step) {
    for (int k = i + step; k >= 0 && k < blocks.size(); k += step) {
      Block n = blocks.get(k);
      if (n.linkDense()) {
        return false;
      }
      if (n.good()) {
        return true;
      }
      if (n.heading() && step > 0) {
        return false; // a new section starts: the short block ends the previous one
      }
    }
    return false;
  }
}
