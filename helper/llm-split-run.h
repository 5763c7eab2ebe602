// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SPLIT_RUN_H
#define LLM_SPLIT_RUN_H

#include "llm-split-simulation.h"
#include "ns3/llm-split-optimizer.h"
#include "ns3/llm-split-setting.h"

#include <string>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief One adaptive split-computing run: the optimizer's setting (LlmSplitOptimizer) turned
 *        into the simulation's numbers (LlmSplitSetting), simulated packet by packet
 *        (LlmSplitSimulation), and both reported together (edge-llm-split).
 *
 * The device's step time is its compute plus the codec's encode time, the cloud's its compute
 * plus the decode time; payloads are the codec's exact bytes; the device's memory is the
 * optimizer's breakdown (weights + activation buffer + reserve static, the KV cache growing by
 * kv_bytes_per_token per context token). The optimizer's one-way propagation delay becomes the
 * access link's; the shared link to the cloud gets no delay of its own.
 */
class LlmSplitRun
{
  public:
    /**
     * @brief The simulation's setting for an optimizer result.
     * @param result a feasible result of Optimize() or Evaluate()
     * @param inputs the optimizer's inputs
     * @param mode SPLIT (the result's setting) or CLOUD_ONLY (the same workload, every layer
     *        in the cloud)
     * @return the setting (K = inputs.devices)
     * @throws LlmInputError if the result is not feasible
     */
    static LlmSplitSetting ToSetting(const LlmSplitOptimizer::Result& result,
                                     const LlmSplitOptimizer::Inputs& inputs,
                                     LlmSplitSetting::Mode mode);

    /**
     * @brief The result as JSON, with the simulated runs beside it: every key of
     *        LlmSplitOptimizer::Result::ToJson() (analytic ttft_s and tpot_s) and
     *        "analytic_ttft_s", "analytic_tpot_s", "simulated_ttft_s", "simulated_tpot_s",
     *        "tokens_requested", "tokens_completed", "tokens_failed", "failures",
     *        "simulated_speedup_vs_cloud_only", "split" and "cloud_only" (the simulation's
     *        figures of each mode).
     * @param result the optimizer's result
     * @param split the simulated split run (nullptr: not simulated)
     * @param cloudOnly the simulated cloud-only run (nullptr: not simulated)
     * @return the JSON text
     */
    static std::string ToJson(const LlmSplitOptimizer::Result& result,
                              const LlmSplitSimulationResult* split,
                              const LlmSplitSimulationResult* cloudOnly);
};

} // namespace ns3

#endif // LLM_SPLIT_RUN_H
