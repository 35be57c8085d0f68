/** Guice bindings for midtrain's service providers. */
package midtrain.inject;
