/**
 * The built-in rule raters: {@code gopher-quality}, {@code gopher-repetition}, {@code c4} and
 * {@code fineweb}, after datatrove's filters of the same names, computed without regular
 * expressions or per-word allocation over one reused per-thread scan of the text.
 *
 * <p>{@code midtrain.bench/scripts/rules_baseline.py} computes the same metrics in plain Python;
 * {@code RulesDifferentialTest} holds both to the same results. See {@code docs/raters.md}.
 */
package midtrain.data.internal.rate;
