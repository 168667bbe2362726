/*===- dfq_model_abi.h - the C ABI of every dfq model library -----*- C -*-===//
 *
 * What every libmodel.so that dfq-compile builds exports, whatever its
 * backend. dfq-compile copies this text into each generated model.h, after
 * the model's own macros (DFQ_MODEL_FINGERPRINT, DFQ_MODEL_NUM_INPUTS,
 * DFQ_MODEL_NUM_OUTPUTS and the shapes in comments); dfq-run and the tests
 * include this file to load libraries. Changing a declaration changes
 * DFQ_MODEL_ABI_VERSION.
 *
 *===----------------------------------------------------------------------===*/

#ifndef DFQ_MODEL_ABI_H
#define DFQ_MODEL_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI this header describes; dfq_model_abi_version() returns it. */
#define DFQ_MODEL_ABI_VERSION 3

typedef struct dfq_model dfq_model;

/* DFQ_MODEL_ABI_VERSION of the library. */
int dfq_model_abi_version(void);
/* The target the library was built for (dfq-compile --target). */
const char *dfq_model_target(void);
/* DFQ_MODEL_FINGERPRINT: what the library was built from (64 hex digits). */
const char *dfq_model_fingerprint(void);
int dfq_model_num_inputs(void);
int dfq_model_num_outputs(void);
/* Shapes including the batch; a dynamic batch reads -1. */
int dfq_model_input_rank(int index);
const int64_t *dfq_model_input_shape(int index);
int dfq_model_output_rank(int index);
const int64_t *dfq_model_output_shape(int index);

/* Allocates the activation arena for up to `max_batch` samples (ignored
 * when the batch is static) and checks that this machine runs the kernels;
 * `threads` <= 0 uses every CPU the process may run on. NULL on failure,
 * with dfq_model_last_error() saying why. */
dfq_model *dfq_model_create(int64_t max_batch, int threads);
/* Runs `batch` samples: inputs[i] and outputs[i] point to dense float
 * arrays of the shapes model.h states, with `batch` as their leading
 * dimension. 0 on success, else 1 with the error set. The batch is split
 * over the model's threads (one sub-batch each); a model whose batch is
 * static runs any multiple of it, one static batch after the other. A model
 * runs one batch at a time, so create one per calling thread. */
int dfq_model_run(dfq_model *model, int64_t batch, const float *const *inputs,
                  float *const *outputs);
/* The library's program is a sequence of steps, each a kernel, a fused
 * host loop, a layout or quantization conversion, or another host op.
 * Step `step` in [0, dfq_model_num_steps()) computes what its name says
 * (the ops' names in the model) and has one of the kinds "kernel",
 * "host loop", "conversion", "host op" and "outputs"; NULL out of range. */
int dfq_model_num_steps(void);
const char *dfq_model_step_name(int step);
const char *dfq_model_step_kind(int step);
/* With `enabled`, the model's runs from now on add the seconds of every
 * step to dfq_model_step_seconds (cleared here); without, they stop. Steps
 * are timed as the first thread sees them: the first sub-batch's when a
 * batch is split over threads. 0 on success, else 1 with the error set. */
int dfq_model_profile(dfq_model *model, int enabled);
/* dfq_model_num_steps() sums of seconds since profiling was enabled. */
const double *dfq_model_step_seconds(const dfq_model *model);
/* Why the last call on this thread failed; "" after a successful run. */
const char *dfq_model_last_error(void);
void dfq_model_destroy(dfq_model *model);

#ifdef __cplusplus
}
#endif

#endif /* DFQ_MODEL_ABI_H */
