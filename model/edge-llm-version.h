// SPDX-License-Identifier: GPL-2.0-only

#ifndef EDGE_LLM_VERSION_H
#define EDGE_LLM_VERSION_H

/**
 * @file
 * @ingroup edge-llm
 * The version of edge-llm, recorded in the files whose meaning depends on it (a sweep's part
 * files: a merge refuses parts written by another version, whose solvers may differ).
 */

namespace ns3
{

/// edge-llm's version: raised whenever a change can alter a plan, a simulated time or a file.
constexpr const char* EDGE_LLM_VERSION = "0.2.0";

} // namespace ns3

#endif // EDGE_LLM_VERSION_H
