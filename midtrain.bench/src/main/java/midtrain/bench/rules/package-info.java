/**
 * Throughput of the built-in rule raters (gopher-quality, gopher-repetition, c4, fineweb) against
 * {@code scripts/rules_baseline.py}; {@code scripts/rules_bench.sh} runs both.
 */
package midtrain.bench.rules;
