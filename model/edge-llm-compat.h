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
 */

#include "ns3/enum.h"

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

} // namespace ns3

#endif // EDGE_LLM_COMPAT_H
