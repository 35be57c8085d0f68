package midtrain.data.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;

class MainTextTest {
  private static final String P1 =
      "The harbour town was quiet in winter, its boats pulled up on the shingle and its"
          + " cafes shuttered until spring.";
  private static final String P2 =
      "Fishermen mended nets in sheds along the quay, talking about the price of diesel and"
          + " the weather coming in from the west.";

  private static String extract(String html) {
    return MainText.extract(Jsoup.parse(html, "http://example.com/"));
  }

  @Test
  void articleKeepsTitleAndParagraphsAndDropsChrome() {
    String html =
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
            + "<header><a href=/>Home</a> Site name</header>"
            + "<nav><ul><li><a href=/a>News</a></li><li><a href=/b>Sport</a></li></ul></nav>"
            + "<div class='cookie-banner'>We use cookies to improve your experience on this"
            + " website, please accept them all right now.</div>"
            + "<main><article><h1>Winter by the sea</h1>"
            + "<p>"
            + P1
            + "</p><script>var x = 'never text';</script>"
            + "<p>"
            + P2
            + " <a href=/more>more</a></p></article></main>"
            + "<aside><h3>Popular</h3><p>Some sidebar text that is long enough to count as a"
            + " paragraph if it were not in an aside.</p></aside>"
            + "<footer>Copyright 2024 Example Ltd. All rights reserved. Terms. Privacy.</footer>"
            + "</body></html>";
    assertEquals("Winter by the sea\n" + P1 + "\n" + P2 + " more", extract(html));
  }

  @Test
  void linkDenseBlocksAreDroppedEvenWithoutTellingTags() {
    String html =
        "<body><div><a href=1>Home</a> | <a href=2>About us and our long history</a> |"
            + " <a href=3>Contact the friendly team today</a> | <a href=4>Jobs</a></div>"
            + "<p>"
            + P1
            + "</p></body>";
    String text = extract(html);
    assertEquals(P1, text);
    assertFalse(text.contains("About us"));
  }

  @Test
  void shortBlocksSurviveOnlyBetweenContent() {
    String html =
        "<body><p>Short intro.</p><p>"
            + P1
            + "</p><p>In short: yes.</p><p>"
            + P2
            + "</p><p>Share this</p></body>";
    assertEquals(P1 + "\nIn short: yes.\n" + P2, extract(html));
  }

  @Test
  void preformattedTextKeepsItsLayoutAndOtherWhitespaceCollapses() {
    String html =
        "<body><p>"
            + P1
            + "</p><pre>int main() {\n    return 0;\n}</pre>"
            + "<p>  spaced\n\n   out &nbsp; words in a paragraph long enough to be content here. </p></body>";
    assertEquals(
        P1
            + "\nint main() {\n    return 0;\n}\n"
            + "spaced out words in a paragraph long enough to be content here.",
        extract(html));
  }

  @Test
  void nestedBlocksAndInlineMarkupGiveOneBlockEach() {
    String html =
        "<body><div class='content'>Lead text <b>bold</b> and <i>italic</i> that is long enough"
            + " to be content on its own merits.<div><p>"
            + P1
            + "</p></div></div>"
            + "<table><tr><td>"
            + P2
            + "</td></tr></table></body>";
    String text = extract(html);
    assertEquals(
        "Lead text bold and italic that is long enough to be content on its own merits.\n"
            + P1
            + "\n"
            + P2,
        text);
  }

  @Test
  void pagesOfBoilerplateOnlyGiveNothing() {
    assertEquals(
        "", extract("<html><body><nav>Menu</nav><p>Hi</p><footer>x</footer></body></html>"));
    assertEquals("", extract(""));
    assertTrue(MainText.blocks(Jsoup.parse("<div id='sidebar'><p>" + P1 + "</p></div>")).isEmpty());
  }
}
