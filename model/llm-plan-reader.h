// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_PLAN_READER_H
#define LLM_PLAN_READER_H

#include "llm-placement-solver.h"

#include <string>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Reads a plan file (written by `edge-llm-plan --output`, or by your own placement
 *        algorithm) for a scenario and checks that it fits.
 *
 * Only "layers" is read: one entry per layer of the model, in order, each {"layer": name
 * (optional, must match), "server": a server name of the scenario, "bits": a width of the bit
 * set within δ}. The placement must satisfy every constraint (storage 2e, layers per server 2d,
 * links 2f). T and the quantization ratio are computed anew from the scenario (eq. 1); the
 * file's own numbers are not trusted. "solver.name", when present, names the plan's origin.
 */
class LlmPlanReader
{
  public:
    LlmPlanReader() = delete;

    /**
     * @brief Read and check a plan file.
     * @param path the file
     * @param model the cost model of the scenario the plan is for
     * @return the plan (status FEASIBLE: nothing proves it optimal)
     * @throws LlmInputError naming the file, the layer and the field that does not fit
     */
    static LlmPlan Load(const std::string& path, const LlmCostModel& model);

    /**
     * @brief Read and check a plan from JSON text.
     * @param text the JSON text
     * @param source the name errors give the text (e.g. the file name)
     * @param model the cost model of the scenario the plan is for
     * @return the plan
     * @throws LlmInputError naming the source, the layer and the field that does not fit
     */
    static LlmPlan FromJson(const std::string& text,
                            const std::string& source,
                            const LlmCostModel& model);
};

} // namespace ns3

#endif // LLM_PLAN_READER_H
