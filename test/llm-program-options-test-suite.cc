// SPDX-License-Identifier: GPL-2.0-only

#include "ns3/command-line.h"
#include "ns3/config.h"
#include "ns3/edge-llm-module.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <string>
#include <vector>

using namespace ns3;

namespace
{

/// Parse `args` (program name first) with the simulate program's option groups (and
/// --variants); return the error or "", and the options read.
std::string
ReadError(const std::vector<std::string>& args,
          std::vector<LlmTransportSetting>* settings = nullptr)
{
    CommandLine cmd;
    LlmProgramOptions options(cmd,
                              LlmProgramOptions::SCENARIO | LlmProgramOptions::SOLVERS
                                  | LlmProgramOptions::TRANSPORT | LlmProgramOptions::VARIANTS
                                  | LlmProgramOptions::OUTPUTS);
    cmd.Parse(args);
    try
    {
        options.Read();
        if (settings)
        {
            *settings = options.GetSettings();
        }
    }
    catch (const LlmInputError& e)
    {
        return e.what();
    }
    return "";
}

/**
 * @ingroup edge-llm-tests
 * Every transport option is read strictly, in options and variants alike.
 */
class LlmProgramOptionsStrictTestCase : public TestCase
{
  public:
    LlmProgramOptionsStrictTestCase()
        : TestCase("Transport options and variants: strict values, the option named")
    {
    }

  private:
    void DoRun() override
    {
        std::vector<LlmTransportSetting> settings;
        NS_TEST_ASSERT_MSG_EQ(ReadError({"p",
                                         "--mtu=9000",
                                         "--loss=1e-4",
                                         "--congestion-control=TcpCubic",
                                         "--socket-buffer=262144",
                                         "--queue=64KB",
                                         "--d2d-delay=0.002",
                                         "--ideal",
                                         "--requests=3",
                                         "--name=base",
                                         "--variants=wifi:d2d=wifi-ax,mtu=1500;b:buffer=0,cc="
                                         "TcpNewReno"},
                                        &settings),
                              "",
                              "good values");
        NS_TEST_ASSERT_MSG_EQ(settings.size(), 3, "base and two variants");
        NS_TEST_ASSERT_MSG_EQ(settings[0].mtu, 9000, "mtu");
        NS_TEST_ASSERT_MSG_EQ(settings[0].ideal, true, "bare flag");
        NS_TEST_ASSERT_MSG_EQ(settings[0].requests, 3, "requests");
        NS_TEST_ASSERT_MSG_EQ(settings[0].d2dDelaySeconds.value_or(-1), 0.002, "delay");
        NS_TEST_ASSERT_MSG_EQ(settings[1].d2d, "wifi-ax", "variant key");
        NS_TEST_ASSERT_MSG_EQ(settings[1].lossRate, 1e-4, "variant keeps the base");
        NS_TEST_ASSERT_MSG_EQ(settings[2].socketBuffer, 0, "alias buffer");
        NS_TEST_ASSERT_MSG_EQ(settings[2].congestionControl, "TcpNewReno", "alias cc");

        const std::vector<std::pair<std::string, std::string>> bad{
            {"--mtu=1500.7",
             "command line: --mtu: expected an integer 576 ... 65535, got \"1500.7\""},
            {"--mtu=0", "command line: --mtu: expected an integer 576 ... 65535, got \"0\""},
            {"--requests=-1",
             "command line: --requests: expected an integer 1 ... 1000000, got \"-1\""},
            {"--loss=inf",
             "command line: --loss: expected a packet error rate 0 <= loss < 1, got \"inf\""},
            {"--loss=1",
             "command line: --loss: expected a packet error rate 0 <= loss < 1, got \"1\""},
            {"--d2d-delay=21.55abc",
             "command line: --d2d-delay: expected a delay of 0 ... 10 s, got \"21.55abc\""},
            {"--transport=sctp", "command line: --transport: expected tcp or udp, got \"sctp\""},
            {"--d2d=wifi-ax", ""},
            {"--solvers=,,,",
             "command line: --solvers: expected a comma-separated list without empty items, got "
             "\",,,\""},
            {"--variants=x:mtu=9000,bogus=1", "unknown key \"bogus\""},
            {"--variants=x:mtu=1500.5",
             "command line: --variants x mtu: expected an integer 576 ... 65535, got \"1500.5\""},
            {"--variants=a:mtu=9000;a:mtu=1500", "two settings are named \"a\""},
            {"--variants=a,b:mtu=9000", "with a name free of"},
            {"--name=it's", "command line: --name: expected a name free of"},
            {"--congestion-control=TcpFoo",
             "command line: --congestion-control: expected an ns-3 TCP congestion control"},
            {"--socket-buffer=100",
             "command line: --socket-buffer: expected 0 (ns-3's default) or at least two MTUs"},
        };
        for (const auto& [arg, expected] : bad)
        {
            const std::string error = ReadError({"p", arg});
            if (expected.empty())
            {
                NS_TEST_ASSERT_MSG_EQ(error, "", arg << " is fine");
            }
            else
            {
                NS_TEST_ASSERT_MSG_NE(error.find(expected),
                                      std::string::npos,
                                      arg << ": " << error);
            }
        }
        for (const std::string q :
             {"1kiB", "99999999999999999999p", "0p", "5000000000B", "10", "p"})
        {
            NS_TEST_ASSERT_MSG_NE(
                ReadError({"p", "--queue=" + q}).find("--queue: expected a queue size"),
                std::string::npos,
                q);
        }
        NS_TEST_ASSERT_MSG_NE(ReadError({"p", "--d2d=wifi-ac", "--mtu=9000"})
                                  .find("--mtu: expected 576 ... 2296 bytes with Wi-Fi"),
                              std::string::npos,
                              "Wi-Fi MTU");
    }
};

/**
 * @ingroup edge-llm-tests
 * An ns-3 default the run sets itself is refused with the option that governs it; one the run
 * leaves alone is honoured unless its option is given too.
 */
class LlmProgramOptionsNs3DefaultsTestCase : public TestCase
{
  public:
    LlmProgramOptionsNs3DefaultsTestCase()
        : TestCase("--ns3:: overrides: refused when the run sets them, honoured otherwise")
    {
    }

  private:
    void DoRun() override
    {
        const std::string mss = ReadError({"p", "--ns3::TcpSocket::SegmentSize=1000"});
        NS_TEST_ASSERT_MSG_NE(mss.find("--ns3::TcpSocket::SegmentSize: this value is set by "
                                       "every run from --mtu"),
                              std::string::npos,
                              mss);
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(536));

        NS_TEST_ASSERT_MSG_EQ(ReadError({"p", "--ns3::TcpSocket::SndBufSize=65536"}),
                              "",
                              "honoured without --socket-buffer");
        const std::string both =
            ReadError({"p", "--ns3::TcpSocket::SndBufSize=70000", "--socket-buffer=100000"});
        NS_TEST_ASSERT_MSG_NE(both.find("given together with --socket-buffer"),
                              std::string::npos,
                              both);
        Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(131072));
    }
};

/**
 * @ingroup edge-llm-tests
 * Program options unit suite.
 */
class LlmProgramOptionsTestSuite : public TestSuite
{
  public:
    LlmProgramOptionsTestSuite()
        : TestSuite("edge-llm-program-options", TestSuite::Type::UNIT)
    {
        AddTestCase(new LlmProgramOptionsStrictTestCase());
        AddTestCase(new LlmProgramOptionsNs3DefaultsTestCase());
    }
};

/// Static instance.
LlmProgramOptionsTestSuite g_llmProgramOptionsTestSuite;

} // namespace
