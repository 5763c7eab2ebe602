// SPDX-License-Identifier: GPL-2.0-only

#ifndef EDGE_LLM_COMPAT_H
#define EDGE_LLM_COMPAT_H

/**
 * @file
 * @ingroup edge-llm
 * The one place where edge-llm adapts to differences between ns-3 releases (3.36 ... 3.4x).
 *
 * CMakeLists.txt defines EDGE_LLM_NS3_MINOR from the ns-3 version (NS3_VER in-tree,
 * ns3_VERSION standalone; ns-3-dev counts as 99). Everything else is written once:
 * - Test suites are declared with TestSuite::Type::UNIT (valid for 3.37's unscoped enum and
 *   3.42's scoped one) and test cases use the default duration, so tests need nothing here.
 * - From 3.41 EnumValue and MakeEnumAccessor are templates on the enum type.
 * - From 3.38 a CommandLine callback takes `const std::string&` (before: `std::string`). Text
 *   options go through such a callback (EdgeLlmAddTextValue): ns-3's std::string options stop
 *   at the first space ("--output=plan x.json" would give "plan").
 */

#include "ns3/command-line.h"
#include "ns3/enum.h"

#include <string>

#ifndef EDGE_LLM_NS3_MINOR
// Outside edge-llm's own CMake targets: ns-3 builds with version information install this.
#    if __has_include("ns3/version-defines.h")
#        include "ns3/version-defines.h"
#        define EDGE_LLM_NS3_MINOR NS3_VERSION_MINOR
#    else
#        error "EDGE_LLM_NS3_MINOR is not defined: link edge-llm through its CMake target"
#    endif
#endif

namespace ns3
{

#if EDGE_LLM_NS3_MINOR >= 41
/// EnumValue holding an enum of type T (a template from ns-3.41).
template<typename T>
using EdgeLlmEnumValue = EnumValue<T>;

/**
 * @brief MakeEnumAccessor for an enum of type T, on any ns-3 version.
 * @param a the member or getter/setter pointer
 * @return the accessor
 */
template<typename T, typename A>
Ptr<const AttributeAccessor>
EdgeLlmMakeEnumAccessor(A a)
{
    return MakeEnumAccessor<T>(a);
}
#else
/// EnumValue holding an enum of type T (not a template before ns-3.41).
template<typename T>
using EdgeLlmEnumValue = EnumValue;

/**
 * @brief MakeEnumAccessor for an enum of type T, on any ns-3 version.
 * @param a the member or getter/setter pointer
 * @return the accessor
 */
template<typename T, typename A>
Ptr<const AttributeAccessor>
EdgeLlmMakeEnumAccessor(A a)
{
    return MakeEnumAccessor(a);
}
#endif

#if EDGE_LLM_NS3_MINOR >= 38
/// The value type of a CommandLine callback.
using EdgeLlmCommandLineText = const std::string&;
#else
/// The value type of a CommandLine callback (by value before ns-3.38).
using EdgeLlmCommandLineText = std::string;
#endif

/**
 * @brief Store a command-line value whole (the callback of EdgeLlmAddTextValue).
 * @param target where to store it
 * @param value the text after "="
 * @return true
 */
inline bool
EdgeLlmAssignText(std::string* target, EdgeLlmCommandLineText value)
{
    *target = value;
    return true;
}

/**
 * @brief Register a text option that keeps its whole value, spaces included, on any ns-3.
 * @param cmd the command line
 * @param name the option name (without --)
 * @param help the help text
 * @param target where the value goes; its current value is shown as the default
 */
inline void
EdgeLlmAddTextValue(CommandLine& cmd,
                    const std::string& name,
                    const std::string& help,
                    std::string& target)
{
    cmd.AddValue(name, help, MakeBoundCallback(&EdgeLlmAssignText, &target), target);
}

} // namespace ns3

#endif // EDGE_LLM_COMPAT_H
