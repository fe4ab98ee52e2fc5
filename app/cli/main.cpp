// bnn-cli: the headless front end of BNN Explorer.
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"
#include "util/cpu_features.h"

static void usage(FILE* out) {
  std::fputs(
      "usage: bnn-cli <command> [options]\n"
      "\n"
      "commands:\n"
      "  data check DIR        validate a folder of MNIST-style IDX files (raw or .gz)\n"
      "  run [options]         sample a Bayesian MLP with SGLD / SGHMC (see bnn-cli run --help)\n"
      "  bench [options]       time gradients, test passes and full schedules\n"
      "  report RUN_DIR        uncertainty summary, calibration and CSV tables of a saved run\n"
      "  decide RUN_DIR        cost-sensitive decisions with a reject option (--costs, --reject)\n"
      "  eval RUN_DIR          a saved run's kept posterior samples on another dataset or transform\n"
      "  ood RUN_DIR           out-of-distribution detection: AUROC, AUPR, FPR@95 per score (--ood)\n"
      "  shift RUN_DIR         accuracy and calibration on rotated, translated or noisy test images\n"
      "  merge DIR... --out D  pool the chains of one run written by separate processes\n"
      "  sweep --step-size G   short runs over a grid of step sizes, the best one marked\n"
      "\n"
      "options before the command:\n"
      "  --kernel-level L      run the kernels of instruction-set level L: avx512, avx2 or baseline\n"
      "                        (one this CPU supports; default: the best it has, or BNN_KERNEL_LEVEL)\n",
      out);
}

int main(int argc, char** argv) {
  // Global options come first: --kernel-level L (util/cpu_features.h). The command's own
  // arguments then start at argv[1], as without them.
  while (argc >= 2 && !std::strcmp(argv[1], "--kernel-level")) {
    if (argc < 3) {
      std::fputs("bnn-cli: --kernel-level: missing value (avx512, avx2 or baseline)\n", stderr);
      return 2;
    }
    if (const bnn::Status st = bnn::forceKernelLevel(argv[2], "--kernel-level"); !st.ok()) {
      std::fprintf(stderr, "bnn-cli: %s\n", st.error().message().c_str());
      return 2;
    }
    argc -= 2;
    argv += 2;
  }
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string cmd = argv[1];
  if (cmd == "data") {
    if (argc < 3 || std::strcmp(argv[2], "check") != 0) {
      std::fputs("bnn-cli data: expected 'check DIR'\n", stderr);
      return 2;
    }
    return bnn::cli::dataCheck(argc - 3, argv + 3);
  }
  if (cmd == "run") return bnn::cli::run(argc - 2, argv + 2);
  if (cmd == "bench") return bnn::cli::bench(argc - 2, argv + 2);
  if (cmd == "report") return bnn::cli::report(argc - 2, argv + 2);
  if (cmd == "decide") return bnn::cli::decide(argc - 2, argv + 2);
  if (cmd == "eval") return bnn::cli::eval(argc - 2, argv + 2);
  if (cmd == "ood") return bnn::cli::ood(argc - 2, argv + 2);
  if (cmd == "shift") return bnn::cli::shift(argc - 2, argv + 2);
  if (cmd == "merge") return bnn::cli::merge(argc - 2, argv + 2);
  if (cmd == "sweep") return bnn::cli::sweep(argc - 2, argv + 2);
  std::fprintf(stderr,
               "bnn-cli: unknown command '%s' (commands: data check, run, bench, report, decide, eval, ood, "
               "shift, merge, sweep; see bnn-cli --help)\n",
               cmd.substr(0, 60).c_str());
  return 2;
}
