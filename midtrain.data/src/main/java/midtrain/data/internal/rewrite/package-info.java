/** The built-in text rewriters: PII masking, C4's line cleaning, symbol lines, NFC. */
package midtrain.data.internal.rewrite;
