/**
 * Text rewriters: documents whose text is changed (PII masked, boilerplate lines cut), not only
 * scored; the {@link midtrain.data.rewrite.TextRewriter} interface, its result {@link
 * midtrain.data.rewrite.Rewrite} and the registry {@link midtrain.data.rewrite.Rewriters} of
 * providers ({@link midtrain.data.spi.RewriterProvider}).
 */
package midtrain.data.rewrite;
