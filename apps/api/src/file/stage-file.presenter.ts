import type { StageFileEntity } from '@ratsweg/persistence';

export interface StageFileResponse {
  id: string;
  roundId: string;
  stageKey: string;
  name: string;
  mediaType: string;
  size: number;
  sha512: string;
  createdAt: string;
  /** Whether the public consultation page shows and serves the file. */
  published: boolean;
  publishedAt?: string;
  downloadUrl: string;
}

/** A published file as the public sees it: what a download needs, not who uploaded it. */
export interface PublishedFileResponse {
  id: string;
  stageKey: string;
  name: string;
  mediaType: string;
  size: number;
  publishedAt: string;
  /** Public: no account needed. */
  downloadUrl: string;
}

export function presentPublishedFile(file: StageFileEntity): PublishedFileResponse {
  return {
    id: file.id,
    stageKey: file.stageKey,
    name: file.name,
    mediaType: file.mediaType,
    size: file.size,
    publishedAt: (file.publishedAt ?? file.createdAt).toISOString(),
    downloadUrl: `/api/v1/rounds/${file.roundId}/consultation/files/${file.id}`,
  };
}

export function presentStageFile(file: StageFileEntity): StageFileResponse {
  return {
    id: file.id,
    roundId: file.roundId,
    stageKey: file.stageKey,
    name: file.name,
    mediaType: file.mediaType,
    size: file.size,
    sha512: file.sha512,
    createdAt: new Date(file.createdAt).toISOString(),
    published: file.publishedAt !== null && file.publishedAt !== undefined,
    ...(file.publishedAt ? { publishedAt: new Date(file.publishedAt).toISOString() } : {}),
    downloadUrl: `/api/v1/files/${file.id}/content`,
  };
}
