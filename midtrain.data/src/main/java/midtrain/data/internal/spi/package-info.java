/** Shared plumbing for the data module's service provider interfaces. */
package midtrain.data.internal.spi;
