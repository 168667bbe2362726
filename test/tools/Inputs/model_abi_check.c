/* Uses a dfq-compile library through model.h only, as an application
 * would: describes the model (its fingerprint and program steps included),
 * runs a batch of zeros with and without profiling, and checks that misuse
 * ends in error messages rather than crashes. Prints what it sees. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  printf("abi %d target %s inputs %d outputs %d\n", dfq_model_abi_version(),
         dfq_model_target(), dfq_model_num_inputs(), dfq_model_num_outputs());
  printf("fingerprint %s, DFQ_MODEL_FINGERPRINT %s\n", dfq_model_fingerprint(),
         strcmp(dfq_model_fingerprint(), DFQ_MODEL_FINGERPRINT) ? "differs"
                                                                : "agrees");
  const int64_t *in = dfq_model_input_shape(0),
                *out = dfq_model_output_shape(0);
  printf("input rank %d [%lld, %lld, %lld, %lld]\n", dfq_model_input_rank(0),
         (long long)in[0], (long long)in[1], (long long)in[2],
         (long long)in[3]);
  printf("output rank %d [%lld, %lld]\n", dfq_model_output_rank(0),
         (long long)out[0], (long long)out[1]);
  printf("bad index: rank %d shape %p\n", dfq_model_input_rank(7),
         (const void *)dfq_model_output_shape(-1));

  if (dfq_model_create(0, 1) == NULL)
    printf("create(0): %s\n", dfq_model_last_error());
  dfq_model *model = dfq_model_create(4, 1);
  if (!model) {
    printf("create(4): %s\n", dfq_model_last_error());
    return 1;
  }
  float *images = calloc(4 * 784, sizeof(float));
  float *logits = calloc(5 * 10, sizeof(float));
  const float *inputs[] = {images};
  float *outputs[] = {logits};
  if (dfq_model_run(model, 5, inputs, outputs))
    printf("run(5): %s\n", dfq_model_last_error());
  if (dfq_model_run(model, 2, NULL, outputs))
    printf("run(null): %s\n", dfq_model_last_error());
  if (dfq_model_run(model, 4, inputs, outputs)) {
    printf("run(4): %s\n", dfq_model_last_error());
    return 1;
  }
  int same = 1;
  for (int i = 0; i < 10; ++i)
    same &= logits[i] == logits[30 + i];
  printf("run(4): ok, image 0 and 3 agree: %d, error now '%s'\n", same,
         dfq_model_last_error());

  int steps = dfq_model_num_steps();
  printf("steps %d, first %s '%s', last %s '%s', out of range %p %p\n", steps,
         dfq_model_step_kind(0), dfq_model_step_name(0),
         dfq_model_step_kind(steps - 1), dfq_model_step_name(steps - 1),
         (const void *)dfq_model_step_name(steps),
         (const void *)dfq_model_step_kind(-1));
  if (dfq_model_profile(NULL, 1))
    printf("profile(null): %s\n", dfq_model_last_error());
  const double *seconds = dfq_model_step_seconds(model);
  double before = 0;
  for (int s = 0; s < steps; ++s)
    before += seconds[s];
  if (dfq_model_profile(model, 1) || dfq_model_run(model, 4, inputs, outputs) ||
      dfq_model_run(model, 4, inputs, outputs)) {
    printf("profiled runs: %s\n", dfq_model_last_error());
    return 1;
  }
  int timed = 0, negative = 0;
  for (int s = 0; s < steps; ++s) {
    timed += seconds[s] > 0;
    negative += seconds[s] < 0;
  }
  double kept = seconds[0];
  dfq_model_profile(model, 0);
  dfq_model_run(model, 4, inputs, outputs);
  printf("unprofiled: %g s; profiled: %d of %d steps timed, %d negative; "
         "stopped: %s\n",
         before, timed, steps, negative,
         seconds[0] == kept ? "unchanged" : "changed");
  dfq_model_destroy(model);
  dfq_model_destroy(NULL);
  free(images);
  free(logits);
  return 0;
}
