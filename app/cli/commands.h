#pragma once
// Subcommands of bnn-cli. Each takes the arguments after its own name and returns the exit code.
// Each lives in its own cmd_*.cpp.

namespace bnn::cli {

int dataCheck(int argc, char** argv);  // bnn-cli data check DIR      (cmd_data.cpp)
int run(int argc, char** argv);        // bnn-cli run [options]       (cmd_run.cpp)
int bench(int argc, char** argv);      // bnn-cli bench [options]     (cmd_bench.cpp)
int report(int argc, char** argv);     // bnn-cli report RUN_DIR ...  (cmd_report.cpp)
int decide(int argc, char** argv);     // bnn-cli decide RUN_DIR ...  (cmd_decide.cpp)
int eval(int argc, char** argv);       // bnn-cli eval RUN_DIR ...    (cmd_eval.cpp)
int ood(int argc, char** argv);        // bnn-cli ood RUN_DIR ...     (cmd_ood.cpp)
int shift(int argc, char** argv);      // bnn-cli shift RUN_DIR ...   (cmd_shift.cpp)
int merge(int argc, char** argv);      // bnn-cli merge DIR... --out  (cmd_merge.cpp)
int sweep(int argc, char** argv);      // bnn-cli sweep --step-size .. (cmd_sweep.cpp)

}  // namespace bnn::cli
