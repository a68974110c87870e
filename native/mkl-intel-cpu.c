/*
 * MKL on AMD: libtorch (DJL's pytorch-native-cpu) links Intel MKL statically, and MKL picks its GEMM kernels by asking
 * whether the CPU is an Intel one (mkl_serv_intel_cpu_true) before it looks at the instruction sets. On an AMD CPU the
 * answer is no, and MKL falls back to its AVX2 path even where the CPU has AVX-512 (measured on an AMD EPYC, family 26:
 * docs/BENCHMARKS.md, "Training throughput"). The ./lethe launcher compiles this file and preloads it on AMD CPUs, so
 * that MKL's own answer is replaced by "yes" and it dispatches on the instruction sets the CPU reports (cpuid), as it
 * does on Intel. It changes which MKL kernels run, not what they compute: results are as deterministic as before on one
 * machine, and may differ from the AVX2 path in the last bits. LETHE_NO_MKL_SHIM=1 turns it off.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
