// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_MULTI_SIMULATE_MAIN_H
#define LLM_MULTI_SIMULATE_MAIN_H

#include "ns3/llm-multi-scenario.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Several LLMs on the built-in infrastructure (LlmScenario::BuiltInDefault: 30 edge
 *        servers and a cloud): models alternate OPT-125m and OPT-350m, named "<profile>-<k>",
 *        each with the built-in δ and β, n tokens and its own requests, all starting at 0.
 * @param models number of models (1 ... LlmMultiScenario::MAX_MODELS)
 * @param tokens n of every model
 * @param requests requests of every model
 * @return the validated scenario
 */
LlmMultiScenario LlmMultiBuiltInScenario(std::size_t models, uint32_t tokens, uint32_t requests);

/**
 * @ingroup edge-llm
 * @brief The program that places several LLMs and simulates them together: what
 *        edge-llm-multi-simulate runs, and what edge-llm-simulate may hand a version-2 scenario
 *        to.
 *
 * Loads --scenario (version 1 or 2; default: LlmMultiBuiltInScenario(4, 8, 1)), solves the
 * joint placement with --solver=joint-ilp (default; the joint GLPK ILP, warm-started by
 * sequential DILEMMA, with its proven gap) or --solver=sequential (sequential DILEMMA: the
 * models one after another, largest first, each with the version-1 ILP on the storage the
 * previous ones left), --objective=max|sum, --time-limit, --gap; simulates the plans with
 * LlmMultiSimulation in the transport setting of the usual options (--transport, --mtu, ...)
 * and --discipline=fifo|round-robin; prints the result and writes --output=run.json
 * (LlmMultiSimulationResult::ToJson plus "plan": the joint plan). ns-3's --RngRun seeds the
 * arrival processes; --pcap, --ascii and --flowmon-xml write the run's packet-level files;
 * --link-trace=CSV changes the links' rates during the run (the joint plan stays); --fail,
 * --fail-mtbf and --fail-timeout make servers fail (each model re-plans alone with the ILP on
 * the storage the others leave, LlmMultiSimulation::SetFailureSchedule).
 * The one-model options of edge-llm-simulate (--tokens, --plan, --netanim,
 * --link-trace-random, --replace, ...) are refused by name, saying where the setting lives
 * instead.
 * @param argc argument count
 * @param argv arguments
 * @param program the program name used in messages
 * @return 0; 1 on bad input; 2 without a joint placement; 3 if tokens were cut off
 */
int LlmMultiSimulateMain(int argc, char* argv[], const std::string& program);

/**
 * @ingroup edge-llm
 * @brief Whether a command line names a version-2 (several-model) scenario with --scenario=,
 *        so that a one-model program hands it over:
 *        `if (LlmNamesMultiScenario(argc, argv)) return LlmMultiSimulateMain(argc, argv, ...);`
 * @param argc argument count
 * @param argv arguments
 * @return true if the last --scenario=FILE is a readable version-2 file;
 *         false otherwise (the program then reports a missing or bad file itself)
 */
bool LlmNamesMultiScenario(int argc, char* argv[]);

} // namespace ns3

#endif // LLM_MULTI_SIMULATE_MAIN_H
