/**
 * Text modifiers: documents whose text is changed (PII masked, boilerplate lines cut), not only
 * scored; the {@link midtrain.data.modify.TextModifier} interface, its result {@link
 * midtrain.data.modify.Modification} and the registry {@link midtrain.data.modify.Modifiers} of
 * providers ({@link midtrain.data.spi.ModifierProvider}).
 */
package midtrain.data.modify;
