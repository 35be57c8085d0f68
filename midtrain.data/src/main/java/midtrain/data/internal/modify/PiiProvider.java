package midtrain.data.internal.modify;

import java.util.List;
import java.util.Map;
import java.util.Set;
import midtrain.data.modify.TextModifier;
import midtrain.data.spi.ModifierProvider;

/**
 * {@code pii}: replaces email addresses and public IPv4 addresses as datatrove's {@code
 * PIIFormatter} does (its patterns, its default replacements, cycled in order).
 *
 * <p>Parameters (datatrove's names): {@code remove_emails}, {@code remove_ips} (both true), {@code
 * only_remove_public_ips} (true: an address Python's {@code ipaddress} calls {@code is_global}),
 * {@code email_replacement} and {@code ip_replacement} (comma-separated; used in turn).
 */
public final class PiiProvider implements ModifierProvider {
  static final String ID = "pii";

  /** datatrove's defaults: example.com and example.org are reserved for examples. */
  static final List<String> EMAILS = List.of("email@example.com", "firstname.lastname@example.org");

  /** datatrove's defaults: addresses that, it says, did not answer pings when it chose them. */
  static final List<String> IPS =
      List.of(
          "22.214.171.124",
          "126.96.36.199",
          "188.8.131.52",
          "184.108.40.206",
          "220.127.116.11",
          "18.104.22.168");

  private static final Set<String> PARAMS =
      Set.of(
          "remove_emails",
          "remove_ips",
          "only_remove_public_ips",
          "email_replacement",
          "ip_replacement");

  /** The cheap no-argument constructor ServiceLoader needs. */
  public PiiProvider() {}

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String description() {
    return "replaces email addresses and public IPv4 addresses (datatrove PIIFormatter)";
  }

  @Override
  public Set<String> parameters() {
    return PARAMS;
  }

  @Override
  public TextModifier create(Map<String, String> params) {
    Params p = new Params(ID, params);
    return new Pii(
        p.bool("remove_emails", true),
        p.bool("remove_ips", true),
        p.bool("only_remove_public_ips", true),
        p.list("email_replacement", EMAILS),
        p.list("ip_replacement", IPS));
  }
}
