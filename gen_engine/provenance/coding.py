"""Channel coding for the invisible watermark: CRC-16 and a rate-1/3 convolutional code.

The 48-bit payload gets a CRC-16 (so a decode of noise is rejected with odds of 1 in 65 536 on
top of the pilot test) and is then convolutionally coded (constraint length 7, the generators
used by LTE's rate-1/3 code) and decoded with a soft-decision Viterbi decoder, which corrects the
scattered bit errors that compression and scaling leave.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

PAYLOAD_BITS = 48
CRC_BITS = 16
MESSAGE_BITS = PAYLOAD_BITS + CRC_BITS
CONSTRAINT_LENGTH = 7
GENERATORS = (0o133, 0o171, 0o165)
TAIL_BITS = CONSTRAINT_LENGTH - 1
CODED_BITS = (MESSAGE_BITS + TAIL_BITS) * len(GENERATORS)
_STATES = 1 << (CONSTRAINT_LENGTH - 1)


def crc16(bits: npt.NDArray[Any]) -> int:
    """CRC-16/CCITT-FALSE of a bit sequence (MSB first)."""
    register = 0xFFFF
    for bit in bits:
        top = (register >> 15) & 1
        register = (register << 1) & 0xFFFF
        if top ^ int(bit):
            register ^= 0x1021
    return register


def int_to_bits(value: int, width: int) -> npt.NDArray[np.uint8]:
    return np.array([(value >> (width - 1 - i)) & 1 for i in range(width)], dtype=np.uint8)


def bits_to_int(bits: npt.NDArray[Any]) -> int:
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value


def message_bits(payload: int) -> npt.NDArray[np.uint8]:
    """Payload bits followed by their CRC."""
    if not 0 <= payload < (1 << PAYLOAD_BITS):
        raise ValueError(f"watermark payload must be 0..2**{PAYLOAD_BITS}-1, got {payload}")
    bits = int_to_bits(payload, PAYLOAD_BITS)
    return np.concatenate([bits, int_to_bits(crc16(bits), CRC_BITS)])


def _parity(value: int) -> int:
    return bin(value).count("1") & 1


def _branch_outputs() -> npt.NDArray[np.int8]:
    """outputs[state, input_bit, generator] as 0/1; state holds the last K-1 input bits."""
    table = np.zeros((_STATES, 2, len(GENERATORS)), dtype=np.int8)
    for state in range(_STATES):
        for bit in (0, 1):
            register = (bit << (CONSTRAINT_LENGTH - 1)) | state
            for g, generator in enumerate(GENERATORS):
                table[state, bit, g] = _parity(register & generator)
    return table


_OUTPUTS = _branch_outputs()


def _next_state(state: int, bit: int) -> int:
    return ((bit << (CONSTRAINT_LENGTH - 1)) | state) >> 1


def conv_encode(bits: npt.NDArray[Any]) -> npt.NDArray[np.uint8]:
    """Encode `bits` plus a zero tail that returns the encoder to state 0."""
    state = 0
    out: list[int] = []
    for bit in np.concatenate([np.asarray(bits, dtype=np.uint8), np.zeros(TAIL_BITS, np.uint8)]):
        out.extend(int(v) for v in _OUTPUTS[state, int(bit)])
        state = _next_state(state, int(bit))
    return np.array(out, dtype=np.uint8)


def _trellis() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """For each next state, its two predecessor states, input bit, and expected +-1 symbols."""
    predecessors = np.zeros((_STATES, 2), dtype=np.int64)
    inputs = np.zeros(_STATES, dtype=np.int64)
    symbols = np.zeros((_STATES, 2, len(GENERATORS)), dtype=np.float64)
    for state in range(_STATES):
        for bit in (0, 1):
            nxt = _next_state(state, bit)
            slot = state & 1  # the two predecessors of `nxt` differ only in their lowest bit
            predecessors[nxt, slot] = state
            inputs[nxt] = bit
            symbols[nxt, slot] = 1.0 - 2.0 * _OUTPUTS[state, bit]
    return predecessors, inputs, symbols


_PREDECESSORS, _INPUTS, _SYMBOLS = _trellis()


def viterbi_decode(soft: npt.NDArray[Any]) -> npt.NDArray[np.uint8]:
    """Soft-decision Viterbi. `soft[i] > 0` means coded bit i is more likely 0 than 1."""
    rate = len(GENERATORS)
    steps = len(soft) // rate
    received = np.asarray(soft, dtype=np.float64)[: steps * rate].reshape(steps, rate)
    metric = np.full(_STATES, -np.inf)
    metric[0] = 0.0
    choices = np.zeros((steps, _STATES), dtype=np.int8)
    for step in range(steps):
        branch = _SYMBOLS @ received[step]  # (states, 2): correlation of each branch
        candidates = metric[_PREDECESSORS] + branch
        best = np.argmax(candidates, axis=1)
        choices[step] = best
        metric = candidates[np.arange(_STATES), best]
    state = 0  # the tail forces the encoder back to state 0
    decoded = np.zeros(steps, dtype=np.uint8)
    for step in range(steps - 1, -1, -1):
        decoded[step] = _INPUTS[state]
        state = int(_PREDECESSORS[state, choices[step, state]])
    return decoded[: steps - TAIL_BITS]


def list_viterbi_decode(soft: npt.NDArray[Any], size: int) -> list[npt.NDArray[np.uint8]]:
    """The `size` most likely messages (best first), by a parallel list Viterbi decoder.

    Each state keeps its `size` best paths instead of one: at every step a state's candidates
    are its two predecessors' lists extended by the branch, and the best `size` survive. The
    lists of state 0 at the end (the tail forces it) are the best terminated paths, all distinct.
    """
    rate = len(GENERATORS)
    steps = len(soft) // rate
    received = np.asarray(soft, dtype=np.float64)[: steps * rate].reshape(steps, rate)
    metric = np.full((_STATES, size), -np.inf)
    metric[0, 0] = 0.0
    slots = np.zeros((steps, _STATES, size), dtype=np.int8)
    ranks = np.zeros((steps, _STATES, size), dtype=np.int16)
    for step in range(steps):
        branch = _SYMBOLS @ received[step]  # (states, 2)
        candidates = np.concatenate(
            [
                metric[_PREDECESSORS[:, 0]] + branch[:, :1],
                metric[_PREDECESSORS[:, 1]] + branch[:, 1:],
            ],
            axis=1,
        )  # (states, 2 * size): slot 0's list, then slot 1's
        order = np.argsort(-candidates, axis=1, kind="stable")[:, :size]
        metric = np.take_along_axis(candidates, order, axis=1)
        slots[step] = order // size
        ranks[step] = order % size
    messages = []
    for final in range(size):
        if not np.isfinite(metric[0, final]):
            break
        state, rank = 0, final
        decoded = np.zeros(steps, dtype=np.uint8)
        for step in range(steps - 1, -1, -1):
            decoded[step] = _INPUTS[state]
            slot = int(slots[step, state, rank])
            rank = int(ranks[step, state, rank])
            state = int(_PREDECESSORS[state, slot])
        messages.append(decoded[: steps - TAIL_BITS])
    return messages


def decode_message(
    soft: npt.NDArray[Any], list_size: int = 1
) -> tuple[int, bool, npt.NDArray[np.uint8]]:
    """Decode coded soft bits -> (payload, crc_ok, decoded message bits).

    `list_size` > 1 tries the most likely messages in order and returns the first whose CRC
    holds (else the most likely): the CRC then also picks among near-ties the plain Viterbi
    decoder would have had to guess, at the price of `list_size` chances instead of one for noise
    to pass the CRC (1 in 65 536 each).
    """
    candidates = [viterbi_decode(soft)] if list_size <= 1 else list_viterbi_decode(soft, list_size)
    for bits in candidates:
        message = bits[:MESSAGE_BITS]
        payload_bits = message[:PAYLOAD_BITS]
        if crc16(payload_bits) == bits_to_int(message[PAYLOAD_BITS:]):
            return bits_to_int(payload_bits), True, message
    best = candidates[0][:MESSAGE_BITS]
    return bits_to_int(best[:PAYLOAD_BITS]), False, best
