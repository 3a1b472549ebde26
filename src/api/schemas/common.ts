/** Schemas shared by several routes. */
import Type from 'typebox';

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'local date YYYY-MM-DD' });
export const PersonKind = Type.Union([Type.Literal('child'), Type.Literal('adult'), Type.Literal('staff')]);
export const RiskLevel = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')]);
export const Role = Type.Union([
  Type.Literal('reception'),
  Type.Literal('supervisor'),
  Type.Literal('manager'),
  Type.Literal('safeguarding-lead'),
  Type.Literal('admin'),
]);
