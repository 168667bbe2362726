/* dfq_cuda_common.h: what a generated CUDA kernel computes the same way on
 * the GPU and in its CPU rendering (dfq_cuda_emu.h): the requantization of
 * docs/design.md, identical to the host runtime's dfq_rt_requantize, and
 * the f32 steps of residual epilogues, rounded as the interpreter rounds
 * them. */
#ifndef DFQ_CUDA_COMMON_H
#define DFQ_CUDA_COMMON_H

#include <stdint.h>

#ifdef __CUDACC__
#define DFQ_HD __host__ __device__ __forceinline__
#else
#include <math.h>
#define DFQ_HD static inline
#endif

/* A layer's buffers after its input, as its kernels take them: the output,
 * or with a residual epilogue the residual and then the epilogue's outputs
 * (at most DFQ_CUDA_MAX_BUFFERS of dfq_cuda_runtime.h). */
typedef struct dfq_cuda_buffers {
  void *at[5];
} dfq_cuda_buffers;

/* Each f32 operation of a residual epilogue rounded on its own, as the
 * interpreter's ops are: never contracted into a fused multiply-add
 * (__fmul_rn and __fadd_rn on the GPU; the CPU rendering is compiled with
 * -ffp-contract=off), and the quotient by a scale the IEEE one. */
DFQ_HD float dfq_cuda_mul(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}
DFQ_HD float dfq_cuda_add(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fadd_rn(a, b);
#else
  return a + b;
#endif
}
DFQ_HD float dfq_cuda_div(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fdiv_rn(a, b);
#else
  return a / b;
#endif
}

/* (q - zp) * scale, as dfq.dequantize computes it. */
DFQ_HD float dfq_cuda_dequantize(int32_t q, int32_t zp, float scale) {
  return dfq_cuda_mul((float)(q - zp), scale);
}

/* clamp(round_half_even(y / scale) + zp, lo, hi), NaN to clamp(zp), as
 * dfq.quantize computes it. */
DFQ_HD uint8_t dfq_cuda_quantize(float y, float scale, float zp, float lo,
                                 float hi) {
  float v = dfq_cuda_add(rintf(dfq_cuda_div(y, scale)), zp);
  v = v == v ? v : zp;
  v = v < lo ? lo : v;
  return (uint8_t)(v > hi ? hi : v);
}

/* clamp(zp + ((acc * m + 2^(shift-1)) >> shift), lo, hi) with a floor
 * shift, exactly as the host runtime's dfq_rt_requantize. */
DFQ_HD int32_t dfq_cuda_requantize(int64_t acc, int32_t m, int32_t shift,
                                   int32_t zp, int32_t lo, int32_t hi) {
  int64_t p = acc * (int64_t)m;
  if (shift > 0) {
    p += (int64_t)1 << (shift - 1);
    p = p >= 0 ? p >> shift : -((-(p + 1)) >> shift) - 1;
  }
  p += zp;
  return (int32_t)(p < lo ? lo : (p > hi ? hi : p));
}

/* A tensor-core accumulator (the wrapping s32 sum of u8 x s8 products over
 * every tap, padding included) plus the folded bias (bias - zp_x * sum of
 * the weights, modulo 2^32): the exact int32 sum of docs/design.md, which
 * the pipeline has checked fits 32 bits. */
DFQ_HD int32_t dfq_cuda_wrapping_add(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);
}

/* Weights of at most 4 bits are stored packed, low bits first; a kernel
 * widens four codes at a time to the int8 bytes the tensor cores read. */
/* Codes 4h .. 4h+3 of the eight 4-bit codes in `w`, sign-extended. */
DFQ_HD uint32_t dfq_cuda_unpack_s4(uint32_t w, int h) {
  uint32_t out = 0;
  for (int i = 0; i < 4; ++i) {
    uint32_t code = (w >> (4 * (4 * h + i))) & 0xFu;
    out |= (((code ^ 0x8u) - 0x8u) & 0xFFu) << (8 * i);
  }
  return out;
}

/* Codes 4q .. 4q+3 of the sixteen 2-bit codes in `w`, sign-extended. */
DFQ_HD uint32_t dfq_cuda_unpack_s2(uint32_t w, int q) {
  uint32_t out = 0;
  for (int i = 0; i < 4; ++i) {
    uint32_t code = (w >> (2 * (4 * q + i))) & 0x3u;
    out |= (((code ^ 0x2u) - 0x2u) & 0xFFu) << (8 * i);
  }
  return out;
}

#endif /* DFQ_CUDA_COMMON_H */
