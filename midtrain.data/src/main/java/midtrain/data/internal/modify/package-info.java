/** The built-in text modifiers: PII masking, C4's line cleaning, symbol lines, NFC. */
package midtrain.data.internal.modify;
