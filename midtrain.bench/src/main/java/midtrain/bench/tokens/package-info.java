/** Tokenize-and-pack throughput against the tokenizer alone (see docs/data-tokens.md). */
package midtrain.bench.tokens;
