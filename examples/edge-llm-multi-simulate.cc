// SPDX-License-Identifier: GPL-2.0-only

// edge-llm-multi-simulate: place several LLMs on shared edge servers and simulate them together
// packet by packet: per model the analytic T_m (the model alone) beside its simulated
// completion, per server the busy time and each model's queueing delay.
//
//   edge-llm-multi-simulate                              # 4 models on the built-in servers
//   edge-llm-multi-simulate --scenario=v2.json --output=run.json
//   edge-llm-multi-simulate --scenario=v2.json --solver=sequential --discipline=round-robin
//   edge-llm-multi-simulate --scenario=v2.json --transport=udp --RngRun=3
//
// The models' server applications on one node share its compute (LlmComputeQueue: FIFO or
// round robin), and their flows share the links. Exit code 0; 1 on bad input; 2 without a
// joint plan; 3 if tokens were cut off (still running when the run stopped).

#include "ns3/edge-llm-module.h"

int
main(int argc, char* argv[])
{
    return ns3::LlmMultiSimulateMain(argc, argv, "edge-llm-multi-simulate");
}
