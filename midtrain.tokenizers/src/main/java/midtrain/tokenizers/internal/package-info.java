/** The DJL-backed tokenizer; not exported. */
package midtrain.tokenizers.internal;
