/**
 * fastText-compatible text classification: load fastText {@code .bin} and {@code .ftz} models and
 * predict exactly what fastText 0.9.2 predicts, and train supervised models that fastText loads.
 *
 * <p>{@link midtrain.data.fasttext.FastTextModel} loads, predicts and saves; {@link
 * midtrain.data.fasttext.FastTextTrainer} trains; {@link midtrain.data.fasttext.FastTextArgs} holds
 * fastText's hyper-parameters. The {@code fasttext} rater scores documents with a model.
 */
package midtrain.data.fasttext;
