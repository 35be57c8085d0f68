/**
 * Training-throughput benchmark against PyTorch (see scripts/train_bench.sh) and greedy decoding
 * with and without the KV cache (scripts/greedy_bench.sh).
 */
package midtrain.bench.train;
