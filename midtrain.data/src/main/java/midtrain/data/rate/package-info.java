/**
 * Document raters: the {@link midtrain.data.rate.Rater} interface, the registry of providers and
 * the built-in rule raters and fastText classifier.
 */
package midtrain.data.rate;
