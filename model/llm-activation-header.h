// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_ACTIVATION_HEADER_H
#define LLM_ACTIVATION_HEADER_H

#include "ns3/header.h"

#include <cstdint>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Header of an edge-llm message: an activation between layers, or a token's result.
 *
 * Carried once in front of a message's payload on TCP (length-prefixed messages on a stream),
 * and on every datagram of a message on UDP (with the fragment index and count).
 */
class LlmActivationHeader : public Header
{
  public:
    /// What the message is.
    enum Kind : uint8_t
    {
        ACTIVATION = 0,   //!< Input of layer `layer` (the output of layer − 1, or the tokens)
        TOKEN_DONE = 1,   //!< The last layer finished the token (to the request source)
        TOKEN_FAILED = 2, //!< A message of the token was lost (UDP), to the request source
        REPLAY = 3,       //!< Replay after a re-plan: input of layer `layer` for the request's
                          //!< first `token` tokens (rebuilds the KV cache of every layer)
        REPLAY_DONE = 4   //!< The replay passed the last layer (to the request source)
    };

    LlmActivationHeader() = default;

    /**
     * @brief Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    void Print(std::ostream& os) const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(Buffer::Iterator start) const override;
    uint32_t Deserialize(Buffer::Iterator start) override;

    Kind kind{ACTIVATION};    //!< Message kind
    uint32_t requestId{0};    //!< Request (sequence batch) id
    uint32_t token{0};        //!< Token index t (0 ... n−1)
    uint32_t layer{0};        //!< Layer that runs on this activation (TOKEN_*: the last layer)
    uint8_t bits{0};          //!< Bits per activation element (the layer's b)
    uint32_t payloadBytes{0}; //!< Bytes of the whole message after the header
    uint32_t fragment{0};     //!< UDP: index of this datagram in the message
    uint32_t fragments{1};    //!< UDP: datagrams in the message (TCP: 1)
};

} // namespace ns3

#endif // LLM_ACTIVATION_HEADER_H
