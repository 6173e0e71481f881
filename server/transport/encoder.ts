import * as parser from 'socket.io-parser';
import { InputFrameDecoder } from './visitor-frames';

/**
 * socket.io's packet encoder, minus one walk: before encoding, socket.io-parser searches every
 * packet for binary data (`hasBinary`), object by object. An input frame holds every visitor of
 * a wall and never any binary, and that search was about a third of its encoding cost (the largest
 * per-frame cost of a busy wall). Same wire format; every other packet goes the usual way.
 */
class Encoder extends parser.Encoder {
  override encode(packet: parser.Packet): ReturnType<parser.Encoder['encode']> {
    if (packet.type === parser.PacketType.EVENT && packet.id === undefined && Array.isArray(packet.data) && packet.data[0] === 'visitors:frame')
      return [`${parser.PacketType.EVENT}${packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : ''}${JSON.stringify(packet.data)}`];
    return super.encode(packet);
  }
}

/** The encoder above, and a decoder that leaves phones' binary input frames to the /visitor transport (visitor-frames.ts). */
export const pavilionParser = { ...parser, Encoder, Decoder: InputFrameDecoder };
