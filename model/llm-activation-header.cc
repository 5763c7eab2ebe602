// SPDX-License-Identifier: GPL-2.0-only

#include "llm-activation-header.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(LlmActivationHeader);

TypeId
LlmActivationHeader::GetTypeId()
{
    static TypeId tid = TypeId("ns3::LlmActivationHeader")
                            .SetParent<Header>()
                            .SetGroupName("EdgeLlm")
                            .AddConstructor<LlmActivationHeader>();
    return tid;
}

TypeId
LlmActivationHeader::GetInstanceTypeId() const
{
    return GetTypeId();
}

void
LlmActivationHeader::Print(std::ostream& os) const
{
    const char* names[] = {"activation", "token-done", "token-failed", "replay", "replay-done"};
    os << (kind <= REPLAY_DONE ? names[kind] : "unknown") << " request=" << requestId
       << " token=" << token << " layer=" << layer << " bits=" << static_cast<uint32_t>(bits)
       << " payload=" << payloadBytes << " fragment=" << fragment << "/" << fragments;
}

uint32_t
LlmActivationHeader::GetSerializedSize() const
{
    return 1 + 4 + 4 + 4 + 1 + 4 + 4 + 4;
}

void
LlmActivationHeader::Serialize(Buffer::Iterator i) const
{
    i.WriteU8(kind);
    i.WriteHtonU32(requestId);
    i.WriteHtonU32(token);
    i.WriteHtonU32(layer);
    i.WriteU8(bits);
    i.WriteHtonU32(payloadBytes);
    i.WriteHtonU32(fragment);
    i.WriteHtonU32(fragments);
}

uint32_t
LlmActivationHeader::Deserialize(Buffer::Iterator start)
{
    Buffer::Iterator i = start;
    kind = static_cast<Kind>(i.ReadU8());
    requestId = i.ReadNtohU32();
    token = i.ReadNtohU32();
    layer = i.ReadNtohU32();
    bits = i.ReadU8();
    payloadBytes = i.ReadNtohU32();
    fragment = i.ReadNtohU32();
    fragments = i.ReadNtohU32();
    return i.GetDistanceFrom(start);
}

} // namespace ns3
