// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/edge-llm-compat.h"
#include "ns3/object.h"
#include "ns3/string.h"
#include "ns3/test.h"

using namespace ns3;

namespace
{

/**
 * @ingroup edge-llm-tests
 * An object with an enum attribute declared through the compat header (3.37 and 3.41+ APIs).
 */
class LlmCompatObject : public Object
{
  public:
    /// Test enum (unscoped, as 3.37's MakeEnumChecker requires).
    enum Mode
    {
        FIRST, //!< first value
        SECOND //!< second value
    };

    /**
     * @brief Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId()
    {
        static TypeId tid =
            TypeId("ns3::LlmCompatObject")
                .SetParent<Object>()
                .AddConstructor<LlmCompatObject>()
                .AddAttribute("Mode",
                              "A test enum.",
                              EdgeLlmEnumValue<Mode>(FIRST),
                              EdgeLlmMakeEnumAccessor<Mode>(&LlmCompatObject::m_mode),
                              MakeEnumChecker(FIRST, "First", SECOND, "Second"));
        return tid;
    }

    Mode m_mode{FIRST}; //!< The attribute
};

/**
 * @ingroup edge-llm-tests
 * The compat header's enum attribute helpers work on this ns-3 version.
 */
class LlmCompatTestCase : public TestCase
{
  public:
    LlmCompatTestCase()
        : TestCase("Compat header: enum attributes")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<LlmCompatObject> o = CreateObject<LlmCompatObject>();
        NS_TEST_ASSERT_MSG_EQ(o->m_mode, LlmCompatObject::FIRST, "default");
        o->SetAttribute("Mode", StringValue("Second"));
        NS_TEST_ASSERT_MSG_EQ(o->m_mode, LlmCompatObject::SECOND, "set by name");
        EdgeLlmEnumValue<LlmCompatObject::Mode> v;
        o->GetAttribute("Mode", v);
        NS_TEST_ASSERT_MSG_EQ(v.Get(), LlmCompatObject::SECOND, "get");
    }
};

/**
 * @ingroup edge-llm-tests
 * The compat-header suite.
 */
class EdgeLlmCompatTestSuite : public TestSuite
{
  public:
    EdgeLlmCompatTestSuite()
        : TestSuite("edge-llm-compat", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmCompatTestCase());
    }
};

/// Static instance.
EdgeLlmCompatTestSuite g_edgeLlmCompatTestSuite;

} // namespace
