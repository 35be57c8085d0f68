package midtrain.data.internal.modify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Map;
import midtrain.data.modify.Modification;
import midtrain.data.modify.Modifiers;
import midtrain.data.modify.TextModifier;
import org.junit.jupiter.api.Test;

/**
 * The {@code pii} modifier against datatrove's own test of its PIIFormatter
 * (tests/pipeline/filters/test_pii_removal.py, transcribed: its inputs and expected outputs, with
 * replacements {@code EMAIL} and {@code IP}), and against its behaviour where that test is silent.
 */
class PiiTest {
  /** datatrove's IP_TEST_INPUT. */
  static final String IP_IN =
      """
      It correctly doesn't match this invalid ips:
      999.999.999.999.
      108.0.0.01
      0.1.2.3
      00.0000.00.00
      192.168.l.1
      912.456.123.123
      .3.3.3.0
      192.168.o.0

      It doesn't match local IPs:

      172.16.0.9
      172.16.4.1
      172.17.1.1
      127.0.0.2
      10.0.1.5
      10.0.0.1
      10.155.155.155
      10.255.255.254
      172.16.0.4
      172.16.0.1
      172.17.1.1
      172.31.254.254
      192.168.1.2
      192.168.254.0

      valid ips:
      163.36.107.25
      114.35.103.54
      57.120.21.121
      13.83.69.70
      29.116.31.158
      193.163.229.23
      211.160.67.46
      4.132.211.142
      214.70.227.4
      35.88.121.75""";

  /** datatrove's IP_TEST_OUTPUT. */
  static final String IP_OUT =
      """
      It correctly doesn't match this invalid ips:
      999.999.999.999.
      108.0.0.01
      0.1.2.3
      00.0000.00.00
      192.168.l.1
      912.456.123.123
      .IP
      192.168.o.0

      It doesn't match local IPs:

      172.16.0.9
      172.16.4.1
      172.17.1.1
      127.0.0.2
      10.0.1.5
      10.0.0.1
      10.155.155.155
      10.255.255.254
      172.16.0.4
      172.16.0.1
      172.17.1.1
      172.31.254.254
      192.168.1.2
      192.168.254.0

      valid ips:
      IP
      IP
      IP
      IP
      IP
      IP
      IP
      IP
      IP
      IP""";

  /** datatrove's EMAIL_TEST_INPUT (a Python string with escapes: {@code \\} is one backslash). */
  static final String EMAIL_IN =
      """
      Use: for testing against email regex
      ref: http://codefool.tumblr.com/post/15288874550/list-of-valid-and-invalid-email-addresses


      List of Valid Email Addresses

      email@example.com
      firstname.lastname@example.com
      email@subdomain.example.com
      firstname+lastname@example.com
      email@123.123.123.123
      email@[123.123.123.123]
      "email"@example.com
      1234567890@example.com
      email@example-one.com
      _______@example.com
      email@example.name
      email@example.museum
      email@example.co.jp
      firstname-lastname@example.com
      NAME@MYSITE.COM



      List of Strange Valid Email Addresses

      much.\u201dmore\\ unusual\u201d@example.com
      very.unusual.\u201d@\u201d.unusual.com@example.com
      very.\u201d(),:;<>[]\u201d.VERY.\u201dvery@\\ "very\u201d.unusual@strange.example.com



      List of Invalid Email Addresses

      plainaddress
      #@%^%#$@#$@#.com
      @example.com
      Joe Smith <email@example.com>
      email.example.com
      email@example@example.com
      .email@example.com
      email.@example.com
      email..email@example.com
      \u3042\u3044\u3046\u3048\u304a@example.com
      email@example.com (Joe Smith)
      email@example
      email@-example.com
      email@example.web
      email@111.222.333.44444
      email@example..com
      Abc..123@example.com



      List of Strange Invalid Email Addresses

      \u201d(),:;<>[\\]@example.com
      just\u201dnot\u201dright@example.com
      this\\ is"really"not\\allowed@example.com""";

  /** datatrove's EMAIL_TEST_OUTPUT (a raw Python string: each backslash is one). */
  static final String EMAIL_OUT =
      """
      Use: for testing against email regex
      ref: http://codefool.tumblr.com/post/15288874550/list-of-valid-and-invalid-email-addresses


      List of Valid Email Addresses

      EMAIL
      EMAIL
      EMAIL
      EMAIL
      EMAIL
      EMAIL
      "email"@example.com
      EMAIL
      EMAIL
      EMAIL
      EMAIL
      EMAIL
      EMAIL
      EMAIL
      EMAIL



      List of Strange Valid Email Addresses

      much.\u201dmore\\ unusual\u201d@example.com
      very.unusual.\u201d@\u201d.EMAIL
      very.\u201d(),:;<>[]\u201d.VERY.\u201dvery@\\ "very\u201d.EMAIL



      List of Invalid Email Addresses

      plainaddress
      #@%^%#$@#$@#.com
      @example.com
      Joe Smith <EMAIL>
      email.example.com
      email@EMAIL
      .EMAIL
      email.@example.com
      email..EMAIL
      \u3042\u3044\u3046\u3048\u304a@example.com
      EMAIL (Joe Smith)
      email@example
      email@-example.com
      EMAIL
      EMAIL
      email@example..com
      Abc..EMAIL



      List of Strange Invalid Email Addresses

      \u201d(),:;<>[\\]@example.com
      just\u201dnot\u201dEMAIL
      this\\ is"really"not\\EMAIL""";

  static TextModifier pii(Map<String, String> params) {
    return Modifiers.create("pii", params);
  }

  static final TextModifier MARKED =
      pii(Map.of("email_replacement", "EMAIL", "ip_replacement", "IP"));

  @Test
  void datatroveIpCases() {
    Modification r = MARKED.apply(IP_IN);
    assertEquals(IP_OUT, r.text());
    // 10 valid public addresses plus .3.3.3.0, as the expected output shows.
    assertEquals(11, r.replacements());
    assertEquals(0, r.linesRemoved());
  }

  @Test
  void datatroveEmailCases() {
    Modification r = MARKED.apply(EMAIL_IN);
    assertEquals(EMAIL_OUT, r.text());
    // The EMAILs of the expected output: 14 valid, 2 strange valid, 8 invalid, 2 strange invalid.
    assertEquals(26, r.replacements());
  }

  @Test
  void defaultReplacementsCycleFromTheFirstInEveryDocument() {
    // datatrove's defaults, used in turn; the cycle restarts per document (datatrove's goes on
    // across documents, which would make the output depend on the order documents arrive in).
    TextModifier p = pii(Map.of());
    String text =
        "a@x.com, b@y.org and c@z.net; 8.8.8.8 1.1.1.1 9.9.9.9 4.4.4.4 5.5.5.5 6.6.6.6 7.7.7.7";
    String want =
        "email@example.com, firstname.lastname@example.org and email@example.com;"
            + " 22.214.171.124 126.96.36.199 188.8.131.52 184.108.40.206 220.127.116.11"
            + " 18.104.22.168 22.214.171.124";
    assertEquals(want, p.apply(text).text());
    assertEquals(want, p.apply(text).text());
    assertEquals(10, p.apply(text).replacements());
  }

  @Test
  void switchesAndPrivateAddresses() {
    String text = "write to me@mail.example.org from 10.0.0.1 or 8.8.4.4, not 010.0.0.1";
    assertEquals(
        "write to me@mail.example.org from 10.0.0.1 or IP, not 010.0.0.1",
        pii(Map.of("remove_emails", "false", "ip_replacement", "IP")).apply(text).text());
    assertEquals(
        "write to E from 10.0.0.1 or 8.8.4.4, not 010.0.0.1",
        pii(Map.of("remove_ips", "false", "email_replacement", "E")).apply(text).text());
    // Private addresses too; a leading zero is still no address for Python's ipaddress.
    assertEquals(
        "write to E from IP or IP, not 010.0.0.1",
        pii(Map.of(
                "only_remove_public_ips",
                "false",
                "email_replacement",
                "E",
                "ip_replacement",
                "IP"))
            .apply(text)
            .text());
  }

  @Test
  void isGlobalAsPythonsIpaddress() {
    // ipaddress.ip_address(x).is_global on CPython 3.13 (the IANA table since the CVE-2024-4032
    // fix; older Pythons list 192.0.0.0/29 where it lists 192.0.0.0/24, so 192.0.0.11 was global).
    Object[][] cases = {
      {"8.8.8.8", true},
      {"100.64.0.1", false}, // shared address space
      {"100.128.0.1", true},
      {"192.0.0.9", true}, // listed as globally reachable inside 192.0.0.0/24
      {"192.0.0.10", true},
      {"192.0.0.11", false},
      {"192.0.0.171", false},
      {"224.0.0.1", true}, // multicast is not in the private list
      {"255.255.255.255", false},
      {"240.0.0.1", false},
      {"198.19.255.255", false},
      {"198.20.0.0", true},
      {"172.32.0.1", true},
      {"172.31.255.255", false},
      {"0.1.2.3", false},
      {"203.0.113.5", false},
      {"203.0.114.5", true},
    };
    for (Object[] c : cases) {
      String ip = (String) c[0];
      assertEquals(c[1], Pii.isGlobal(Pii.parse(ip, 0, ip.length())), ip);
    }
  }

  @Test
  void adversarialInputs() {
    TextModifier p = MARKED;
    assertEquals(Modification.unchanged(""), p.apply(""));
    // A word character outside the BMP before the address: no word boundary for Python either.
    assertEquals("\uD835\uDC00email@example.com", p.apply("\uD835\uDC00email@example.com").text());
    assertEquals("\uD83D\uDE00 EMAIL", p.apply("\uD83D\uDE00 e@example.com").text());
    // A combining mark is no word character: the boundary falls after it (as Python's re).
    assertEquals("e\u0301EMAIL", p.apply("e\u0301mail@example.com").text());
    assertEquals("EMAIL\r\nIP\r\n", p.apply("a@b.example.com\r\n8.8.8.8\r\n").text());
    // No boundary in datatrove's IP pattern: 1.2.3.8 (global) is taken first, then 8.8.8.5.
    assertEquals("IP.IP", p.apply("1.2.3.8.8.8.8.5").text());
  }

  @Test
  void hugeRunsTakeLinearTime() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          // Python's engine retries every start of these runs: quadratic. Java's recursed per
          // label. Here: one pass.
          String letters = "a".repeat(2_000_000);
          assertEquals(Modification.unchanged(letters), MARKED.apply(letters));
          String dashes = "a-".repeat(500_000) + "@-x";
          assertEquals(dashes, MARKED.apply(dashes).text());
          String labels = "x@" + "a.".repeat(500_000) + "com tail";
          assertEquals("EMAIL tail", MARKED.apply(labels).text());
          String digits = "1.".repeat(500_000);
          // Every match is 1.1.1.1 (global), then a dot: as Python, "1.1.1.1.1." gives "IP.1.".
          Modification r = MARKED.apply(digits);
          assertEquals("IP.".repeat(125_000), r.text());
          assertEquals(125_000, r.replacements());
        });
  }
}
