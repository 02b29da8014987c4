import type { ProcessTemplate } from '@ratsweg/domain';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A version of a process template stored by an administrator; versions are never changed. */
@Entity({ name: 'process_template' })
@Unique('uq_process_template_tenant_key_version', ['tenant', 'key', 'version'])
export class ProcessTemplateEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  tenant!: string;

  @Column({ type: 'text' })
  key!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  definition!: ProcessTemplate;

  @Column({ name: 'created_by', type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
