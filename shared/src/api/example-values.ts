/** Identifiers and instants the documented examples share, so they tell one consistent story. */
export const DEVICE = '1f4446f8-18ef-45b5-a523-f772c4d775b2';
export const AGENT = 'c97df88a-fbb5-43b0-9a21-7dfc18038a02';
export const ASSET = '5b0f3c8e-7d0a-4b53-9a53-2f0e6f1b9c41';
export const LICENSE = '0d7a3f8b-2c4e-4d7e-8b8e-5a6f7e8d9c10';
export const SNAPSHOT = '93a3bd97-a194-4a6c-943c-f725e575add2';
export const BASE_SNAPSHOT = '6e49c1c3-e02f-42b7-8a3b-46c652b96aed';
export const AT = '2026-11-22T16:11:39.921Z';
export const EARLIER = '2026-10-01T08:00:00.000Z';
export const HASH = 'bf05d8b8874caa47e38336d07892bcfdd48d91518e130d587ebc41ef27192e00';
