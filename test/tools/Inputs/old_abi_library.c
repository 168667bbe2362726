/* A library with model ABI version 1, as dfq-compile built them before the
 * fingerprint: every entry point of that ABI, no dfq_model_fingerprint.
 * With -DABI_VERSION_2, version 2 (the fingerprint, before the program's
 * steps and profiles). Nothing here runs; dfq-run must refuse it before
 * creating a model. */
#include <stddef.h>
#include <stdint.h>

static const int64_t input_shape[] = {-1, 1, 28, 28};
static const int64_t output_shape[] = {-1, 10};

#ifdef ABI_VERSION_2
int dfq_model_abi_version(void) { return 2; }
const char *dfq_model_fingerprint(void) {
  return "0000000000000000000000000000000000000000000000000000000000000000";
}
#else
int dfq_model_abi_version(void) { return 1; }
#endif
const char *dfq_model_target(void) { return "x86-avx2"; }
int dfq_model_num_inputs(void) { return 1; }
int dfq_model_num_outputs(void) { return 1; }
int dfq_model_input_rank(int i) { return i == 0 ? 4 : -1; }
const int64_t *dfq_model_input_shape(int i) {
  return i == 0 ? input_shape : NULL;
}
int dfq_model_output_rank(int i) { return i == 0 ? 2 : -1; }
const int64_t *dfq_model_output_shape(int i) {
  return i == 0 ? output_shape : NULL;
}
void *dfq_model_create(int64_t max_batch, int threads) {
  (void)max_batch;
  (void)threads;
  return NULL;
}
int dfq_model_run(void *model, int64_t batch, const float *const *inputs,
                  float *const *outputs) {
  (void)model;
  (void)batch;
  (void)inputs;
  (void)outputs;
  return 1;
}
const char *dfq_model_last_error(void) { return "old ABI stub"; }
void dfq_model_destroy(void *model) { (void)model; }
