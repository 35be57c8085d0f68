package midtrain.data.internal.modify;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import midtrain.data.modify.Modification;
import midtrain.data.modify.TextModifier;

/**
 * The {@code pii} modifier: emails, then IPv4 addresses, each pass over the whole text.
 *
 * <p>Emails are matched by hand, not with datatrove's regular expression, but to the same matches:
 * a word boundary as Python's {@code \b}, then a local part (letters, digits and {@code
 * !#$%&'*+/=?^_`{|}~-}, in dot-separated pieces), {@code @}, and either dot-separated labels of
 * letters, digits and inner hyphens (at least two labels) or a bracketed IPv4 address. Python's
 * engine (and Java's) tries every start left of an {@code @} again, and Java's recurses once per
 * label, so a long run of local-part characters took quadratic time and a long dotted domain
 * overflowed the stack; by hand each character is looked at a bounded number of times.
 */
final class Pii implements TextModifier {
  /** datatrove's IPv4 pattern, verbatim: four dotted octets of at most 255, leading zeros too. */
  private static final Pattern IPV4 =
      Pattern.compile(
          "(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\\.){3}"
              + "(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)");

  /**
   * datatrove's bracketed domain ({@code [192.0.2.1]}, or three octets and {@code tag:}), matched
   * right after the {@code @}.
   */
  private static final Pattern BRACKETED =
      Pattern.compile(
          "\\[(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\\.){3}"
              + "(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?|[A-Za-z0-9-]*[A-Za-z0-9]:)]");

  private final boolean emails;
  private final boolean ips;
  private final boolean publicOnly;
  private final List<String> emailReplacements;
  private final List<String> ipReplacements;

  Pii(
      boolean emails,
      boolean ips,
      boolean publicOnly,
      List<String> emailReplacements,
      List<String> ipReplacements) {
    this.emails = emails;
    this.ips = ips;
    this.publicOnly = publicOnly;
    this.emailReplacements = emailReplacements;
    this.ipReplacements = ipReplacements;
  }

  @Override
  public String id() {
    return PiiProvider.ID;
  }

  @Override
  public Modification apply(String text) {
    long[] count = new long[1];
    String t = text;
    if (emails) {
      t = replaceEmails(t, emailReplacements, count);
    }
    if (ips) {
      t = replaceIps(t, ipReplacements, publicOnly, count);
    }
    return count[0] == 0 ? Modification.unchanged(text) : Modification.kept(t, 0, count[0]);
  }

  // ---- emails

  /** Replaces every email; the replacements cycle from the first in each document. */
  static String replaceEmails(String t, List<String> replacements, long[] count) {
    StringBuilder out = null;
    int copied = 0;
    int next = 0;
    int at = t.indexOf('@');
    while (at >= 0) {
      int start = localStart(t, at, copied);
      int end = start < 0 ? -1 : domainEnd(t, at + 1);
      if (end < 0) {
        at = t.indexOf('@', at + 1);
        continue;
      }
      if (out == null) {
        out = new StringBuilder(t.length());
      }
      out.append(t, copied, start).append(replacements.get(next));
      next = (next + 1) % replacements.size();
      count[0]++;
      copied = end;
      at = t.indexOf('@', end);
    }
    if (out == null) {
      return t;
    }
    return out.append(t, copied, t.length()).toString();
  }

  /**
   * The leftmost start, not before {@code from}, of a local part that ends at {@code at}: after a
   * word boundary, not a dot, with no two dots in a row after it and no dot last; -1 if none.
   */
  private static int localStart(String t, int at, int from) {
    int run = at;
    while (run > from && isLocalOrDot(t.charAt(run - 1))) {
      run--;
    }
    if (run == at || t.charAt(at - 1) == '.') {
      return -1;
    }
    int lo = run;
    for (int i = at - 2; i >= run; i--) {
      if (t.charAt(i) == '.' && t.charAt(i + 1) == '.') {
        lo = i + 2;
        break;
      }
    }
    for (int s = lo; s < at; s++) {
      if (t.charAt(s) != '.' && boundary(t, s)) {
        return s;
      }
    }
    return -1;
  }

  /**
   * The end of the domain starting at {@code p} as datatrove's pattern matches it, or -1: labels
   * followed by dots, as many as there are, then a last label; where no label follows the last dot,
   * the regular expression backs off to end at the label before it (so at least two labels).
   */
  static int domainEnd(String t, int p) {
    int n = t.length();
    if (p < n && t.charAt(p) == '[') {
      Matcher m = BRACKETED.matcher(t).region(p, n);
      return m.lookingAt() ? m.end() : -1;
    }
    int pos = p;
    int groups = 0;
    int lastLabelEnd = -1;
    while (pos < n && isAlnum(t.charAt(pos))) {
      int q = labelRun(t, pos);
      if (q < n && t.charAt(q) == '.' && isAlnum(t.charAt(q - 1))) {
        groups++;
        lastLabelEnd = q;
        pos = q + 1;
      } else {
        break;
      }
    }
    if (groups == 0) {
      return -1;
    }
    if (pos < n && isAlnum(t.charAt(pos))) {
      int q = labelRun(t, pos);
      while (!isAlnum(t.charAt(q - 1))) {
        q--; // a label ends with a letter or digit: trailing hyphens are left out
      }
      return q;
    }
    return groups >= 2 ? lastLabelEnd : -1;
  }

  /** The end of the run of ASCII letters, digits and hyphens from {@code p}. */
  private static int labelRun(String t, int p) {
    int q = p;
    while (q < t.length() && (isAlnum(t.charAt(q)) || t.charAt(q) == '-')) {
      q++;
    }
    return q;
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** A character of the local part's class, or a dot. */
  private static boolean isLocalOrDot(char c) {
    return isAlnum(c) || (c < 128 && "!#$%&'*+/=?^_`{|}~-.".indexOf(c) >= 0);
  }

  /** Python's {@code \b} before position {@code i}: a word character on exactly one side. */
  static boolean boundary(String t, int i) {
    boolean before = i > 0 && isWord(t.codePointBefore(i));
    boolean after = i < t.length() && isWord(t.codePointAt(i));
    return before != after;
  }

  /** Python's {@code \w} for text: {@code str.isalnum()} or an underscore. */
  static boolean isWord(int cp) {
    if (cp < 128) {
      return (cp >= 'a' && cp <= 'z')
          || (cp >= 'A' && cp <= 'Z')
          || (cp >= '0' && cp <= '9')
          || cp == '_';
    }
    if (Character.isLetter(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }

  // ---- IPv4

  private static String replaceIps(
      String t, List<String> replacements, boolean publicOnly, long[] count) {
    if (!hasDigitDotDigit(t)) {
      return t; // no address can match: most texts, and the pattern is costly to run on them
    }
    Matcher m = IPV4.matcher(t);
    StringBuilder out = null;
    int copied = 0;
    int next = 0;
    while (m.find()) {
      long address = parse(t, m.start(), m.end());
      if (address < 0 || (publicOnly && !isGlobal(address))) {
        continue; // datatrove puts the match back as it was and goes on after it
      }
      if (out == null) {
        out = new StringBuilder(t.length());
      }
      out.append(t, copied, m.start()).append(replacements.get(next));
      next = (next + 1) % replacements.size();
      count[0]++;
      copied = m.end();
    }
    if (out == null) {
      return t;
    }
    return out.append(t, copied, t.length()).toString();
  }

  /** Whether a digit, a dot and a digit follow each other somewhere, as in every address. */
  static boolean hasDigitDotDigit(String t) {
    for (int i = t.indexOf('.', 1); i >= 0 && i + 1 < t.length(); i = t.indexOf('.', i + 1)) {
      if (isDigit(t.charAt(i - 1)) && isDigit(t.charAt(i + 1))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * The address as Python's {@code ipaddress.ip_address} reads the matched text, or -1 where it
   * refuses it: an octet with a leading zero (the pattern lets {@code 01} through).
   */
  static long parse(String t, int from, int to) {
    long address = 0;
    int i = from;
    for (int k = 0; k < 4; k++) {
      int s = i;
      int v = 0;
      while (i < to && t.charAt(i) != '.') {
        v = v * 10 + (t.charAt(i) - '0');
        i++;
      }
      if (i - s > 1 && t.charAt(s) == '0') {
        return -1;
      }
      address = address << 8 | v;
      i++; // the dot
    }
    return address;
  }

  /**
   * Python's {@code IPv4Address.is_global}: outside the shared address space 100.64.0.0/10 and
   * outside the blocks IANA lists as not globally reachable, but for the two addresses it lists as
   * reachable inside 192.0.0.0/24.
   */
  static boolean isGlobal(long a) {
    if (in(a, 100, 64, 0, 0, 10)) {
      return false;
    }
    if (a == ip(192, 0, 0, 9) || a == ip(192, 0, 0, 10)) {
      return true;
    }
    return !(in(a, 0, 0, 0, 0, 8)
        || in(a, 10, 0, 0, 0, 8)
        || in(a, 127, 0, 0, 0, 8)
        || in(a, 169, 254, 0, 0, 16)
        || in(a, 172, 16, 0, 0, 12)
        || in(a, 192, 0, 0, 0, 24)
        || in(a, 192, 0, 2, 0, 24)
        || in(a, 192, 168, 0, 0, 16)
        || in(a, 198, 18, 0, 0, 15)
        || in(a, 198, 51, 100, 0, 24)
        || in(a, 203, 0, 113, 0, 24)
        || in(a, 240, 0, 0, 0, 4)); // 255.255.255.255 and 192.0.0.170/31 lie inside the others
  }

  private static long ip(int a, int b, int c, int d) {
    return (long) a << 24 | b << 16 | c << 8 | d;
  }

  private static boolean in(long address, int a, int b, int c, int d, int prefix) {
    int shift = 32 - prefix;
    return address >>> shift == ip(a, b, c, d) >>> shift;
  }
}
