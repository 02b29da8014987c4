import { Column, Entity, PrimaryColumn } from 'typeorm';

export const PERSON_LOCALES = ['de', 'en'] as const;
export type PersonLocale = (typeof PERSON_LOCALES)[number];

/** A council member, committee member or member of staff (OParl Person). No credentials are stored here. */
@Entity({ name: 'person' })
export class PersonEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ name: 'given_name', type: 'text' })
  givenName!: string;

  @Column({ name: 'family_name', type: 'text' })
  familyName!: string;

  /** E.g. „Frau“, „Herr“. */
  @Column({ name: 'form_of_address', type: 'text', nullable: true })
  formOfAddress!: string | null;

  /** Academic title, e.g. „Dr.“. */
  @Column({ type: 'text', nullable: true })
  title!: string | null;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  /** The language notifications to this person are written in. */
  @Column({ type: 'text', default: 'de' })
  locale!: PersonLocale;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'modified_at', type: 'timestamptz' })
  modifiedAt!: Date;
}
