/**
 * Message check characters, SIA OSDP v2.2 section 5.8 and Annex E.
 * CRC-16/AUG-CCITT: polynomial 0x1021, initial value 0x1D0F, no reflection, sent LSB first.
 * Checksum: the two's complement of the 8-bit sum of every byte from SOM on.
 */

const CRC_TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    table[i] = crc;
  }
  return table;
})();

export const CRC_INIT = 0x1d0f;

export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = CRC_INIT;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) ^ (CRC_TABLE[((crc >> 8) ^ (bytes[i] as number)) & 0xff] as number)) & 0xffff;
  }
  return crc;
}

export function checksum8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + (bytes[i] as number)) & 0xff;
  return (0x100 - sum) & 0xff;
}
