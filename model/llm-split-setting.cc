// SPDX-License-Identifier: GPL-2.0-only

#include "llm-split-setting.h"

#include "llm-input-error.h"
#include "llm-text-parse.h"

#include <algorithm>
#include <cmath>

namespace ns3
{

namespace
{

const char* const kSource = "LlmSplitSetting";

/// A duration: finite and ≥ 0.
void
CheckSeconds(const char* field, double v)
{
    if (!(std::isfinite(v) && v >= 0))
    {
        throw LlmInputError(kSource,
                            field,
                            "expected a finite time >= 0 s, got " + LlmTextParse::Format(v));
    }
}

/// A rate a point-to-point device can take: 1 ... 9e18 bit/s.
void
CheckRate(const char* field, double v)
{
    if (!(v >= 1 && v < 9e18))
    {
        throw LlmInputError(kSource,
                            field,
                            "expected 1 ... 9e18 bit/s, got " + LlmTextParse::Format(v));
    }
}

/// A message payload the header's 32-bit length can carry.
void
CheckPayload(const char* field, uint64_t v)
{
    const uint64_t max = std::numeric_limits<uint32_t>::max() - 1024;
    if (v > max)
    {
        throw LlmInputError(kSource,
                            field,
                            "expected at most " + std::to_string(max)
                                + " bytes (a 32-bit message "
                                  "length), got "
                                + std::to_string(v));
    }
}

} // namespace

void
LlmSplitSetting::Validate() const
{
    if (promptTokens < 1)
    {
        throw LlmInputError(kSource, "promptTokens", "expected at least 1 prompt token, got 0");
    }
    if (tokensToGenerate < 1)
    {
        throw LlmInputError(kSource, "tokensToGenerate", "expected at least 1 token, got 0");
    }
    if (requests < 1 || requests > MAX_REQUESTS)
    {
        throw LlmInputError(kSource,
                            "requests",
                            "expected 1 ... " + std::to_string(MAX_REQUESTS)
                                + " requests per device, got " + std::to_string(requests));
    }
    if (devices < 1 || devices > MAX_DEVICES)
    {
        throw LlmInputError(kSource,
                            "devices",
                            "expected 1 ... " + std::to_string(MAX_DEVICES) + " devices, got "
                                + std::to_string(devices));
    }
    CheckSeconds("thinkSeconds", thinkSeconds);
    CheckSeconds("devicePrefillSeconds", devicePrefillSeconds);
    CheckSeconds("deviceDecodeSeconds", deviceDecodeSeconds);
    CheckSeconds("cloudPrefillSeconds", cloudPrefillSeconds);
    CheckSeconds("cloudDecodeSeconds", cloudDecodeSeconds);
    CheckSeconds("cloudOnlyPrefillSeconds", cloudOnlyPrefillSeconds);
    CheckSeconds("cloudOnlyDecodeSeconds", cloudOnlyDecodeSeconds);
    CheckSeconds("accessDelaySeconds", accessDelaySeconds);
    CheckSeconds("sharedDelaySeconds", sharedDelaySeconds);
    CheckPayload("payloadPrefillBytes", payloadPrefillBytes);
    CheckPayload("payloadDecodeBytes", payloadDecodeBytes);
    CheckPayload("promptBytes", promptBytes);
    CheckPayload("tokenIdBytes", tokenIdBytes);
    CheckRate("uplinkBps", uplinkBps);
    CheckRate("downlinkBps", downlinkBps);
    CheckRate("sharedBps", sharedBps);
}

std::string
LlmSplitSetting::GetModeName() const
{
    return mode == Mode::SPLIT ? "split" : "cloud-only";
}

bool
LlmSplitSetting::StepFits(uint32_t w) const
{
    if (mode == Mode::CLOUD_ONLY)
    {
        return true;
    }
    if (deviceStaticBytes > memoryBudgetBytes)
    {
        return false;
    }
    if (kvBytesPerToken == 0)
    {
        return true;
    }
    // (P + w)·kv ≤ A  ⇔  P + w ≤ ⌊A / kv⌋ for integers, without overflow.
    const uint64_t maxContext = (memoryBudgetBytes - deviceStaticBytes) / kvBytesPerToken;
    return static_cast<uint64_t>(promptTokens) + w <= maxContext;
}

uint32_t
LlmSplitSetting::FirstMemoryFailure() const
{
    if (mode == Mode::CLOUD_ONLY)
    {
        return tokensToGenerate;
    }
    if (deviceStaticBytes > memoryBudgetBytes)
    {
        return 0;
    }
    if (kvBytesPerToken == 0)
    {
        return tokensToGenerate;
    }
    const uint64_t maxContext = (memoryBudgetBytes - deviceStaticBytes) / kvBytesPerToken;
    if (maxContext < promptTokens)
    {
        return 0;
    }
    const uint64_t w = maxContext - promptTokens + 1;
    return static_cast<uint32_t>(std::min<uint64_t>(w, tokensToGenerate));
}

double
LlmSplitSetting::UplinkSeconds(uint64_t bytes, bool propagation) const
{
    const double bits = 8.0 * static_cast<double>(bytes + MESSAGE_HEADER_BYTES);
    return bits / std::min(uplinkBps, sharedBps)
           + (propagation ? accessDelaySeconds + sharedDelaySeconds : 0.0);
}

double
LlmSplitSetting::DownlinkSeconds(uint64_t bytes, bool propagation) const
{
    const double bits = 8.0 * static_cast<double>(bytes + MESSAGE_HEADER_BYTES);
    return bits / std::min(downlinkBps, sharedBps)
           + (propagation ? accessDelaySeconds + sharedDelaySeconds : 0.0);
}

double
LlmSplitSetting::AnalyticTtftSeconds(bool propagation) const
{
    const double down = DownlinkSeconds(tokenIdBytes, propagation);
    if (mode == Mode::CLOUD_ONLY)
    {
        return UplinkSeconds(promptBytes, propagation) + cloudOnlyPrefillSeconds + down;
    }
    return devicePrefillSeconds + UplinkSeconds(payloadPrefillBytes, propagation)
           + cloudPrefillSeconds + down;
}

double
LlmSplitSetting::AnalyticTpotSeconds(bool propagation) const
{
    if (mode == Mode::CLOUD_ONLY)
    {
        // Ids stream back while the cloud computes the next step.
        return std::max(cloudOnlyDecodeSeconds, DownlinkSeconds(tokenIdBytes, false));
    }
    return deviceDecodeSeconds + UplinkSeconds(payloadDecodeBytes, propagation) + cloudDecodeSeconds
           + DownlinkSeconds(tokenIdBytes, propagation);
}

double
LlmSplitSetting::CloudSecondsPerDevice() const
{
    if (mode == Mode::CLOUD_ONLY)
    {
        return requests
               * (cloudOnlyPrefillSeconds + (tokensToGenerate - 1.0) * cloudOnlyDecodeSeconds);
    }
    const uint32_t steps = FirstMemoryFailure();
    if (steps == 0)
    {
        return 0;
    }
    return requests * (cloudPrefillSeconds + (steps - 1.0) * cloudDecodeSeconds);
}

} // namespace ns3
