import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A document attached to a stage of a round (e.g. the draft guidelines, a protocol); OParl `File`. */
@Entity({ name: 'stage_file' })
export class StageFileEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ name: 'round_id', type: 'uuid' })
  roundId!: string;

  @Column({ name: 'stage_key', type: 'text' })
  stageKey!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'media_type', type: 'text' })
  mediaType!: string;

  @Column({ type: 'integer' })
  size!: number;

  /** SHA-512 of the content, hex. */
  @Column({ type: 'text' })
  sha512!: string;

  @Column({ type: 'bytea', select: false })
  content!: Buffer;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** When the file was published for the public consultation page; null while it is staff-only. */
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'published_by', type: 'text', nullable: true })
  publishedBy!: string | null;
}
