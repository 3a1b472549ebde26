/**
 * Config schema fragment for what a camera's digital inputs are wired to, for the lead
 * to add to src/config/schema.ts's Camera as `inputs: Type.Optional(Type.Array(CameraInput))`.
 * Mirrors CameraInputWiring in camera-service.ts.
 */
import Type, { type Static } from 'typebox';

export const CameraInput = Type.Union([
  Type.Object(
    {
      token: Type.String({ minLength: 1, description: 'ONVIF DigitalInput token (e.g. DI_1), or the Axis IO port number' }),
      kind: Type.Literal('panic'),
      zoneId: Type.Optional(Type.String({ description: "zone the panic button is in (default: the camera's first zone)" })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ token: Type.String({ minLength: 1 }), kind: Type.Literal('door-contact'), doorId: Type.String() }, { additionalProperties: false }),
  Type.Object({ token: Type.String({ minLength: 1 }), kind: Type.Literal('lockdown') }, { additionalProperties: false }),
]);

export type CameraInputConfig = Static<typeof CameraInput>;
