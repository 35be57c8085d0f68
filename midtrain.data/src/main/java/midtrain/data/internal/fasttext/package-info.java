/**
 * The fastText model format, tokenization, prediction and training behind {@link
 * midtrain.data.fasttext}; not exported.
 *
 * <p>Everything here follows fastText 0.9.2 byte for byte and float for float: the arithmetic is
 * float32 in fastText's order, so probabilities match the binary's to the last printed digit.
 */
package midtrain.data.internal.fasttext;
