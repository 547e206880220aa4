/**
 * Shoko Server payloads, PascalCase exactly as Newtonsoft writes them (contracts.md §5). Read from
 * ShokoAnime/ShokoServer: REST v3 `Controllers/InitController.cs` + `Models/Common/ComponentVersion*.cs`,
 * `Controllers/FileController.cs` + `Models/Shoko/File.cs`, API v0 `AuthenticationController`; SignalR
 * `API/SignalR/Models/*SignalRModel.cs` (v5 `FileEventSignalRModel`, v6 `VideoFileEventSignalRModel`,
 * `VideoReleaseSavedSignalRModel`, `VideoReleaseSearchCompletedSignalRModel`, `ReleaseInfoSignalRModel`).
 * Objects are loose and fields that differ between v5 and v6 are optional, so one schema reads both.
 */
import { z } from 'zod';

const id = z.number().int();

/** One component of `GET /api/v3/Init/Version`. `Version` is "5.1.0.0"-like on v5, semver on v6. */
export const shokoComponentVersionSchema = z.looseObject({
  Version: z.string().nullish(),
  Commit: z.string().nullish(),
  ReleaseChannel: z.string().nullish(),
  Tag: z.string().nullish(),
  ReleaseDate: z.string().nullish(),
});

/** `ComponentVersionSet`: `Server` always; `Commons`/`Models` (v5), `MediaInfo`, `WebUI` when known. */
export const shokoVersionSetSchema = z.looseObject({
  Server: shokoComponentVersionSchema,
  WebUI: shokoComponentVersionSchema.nullish(),
  MediaInfo: shokoComponentVersionSchema.nullish(),
});

/** `POST /api/auth` answer. */
export const shokoAuthAnswerSchema = z.looseObject({ apikey: z.string().min(1) });

/** `File.Location`: v5 names the folder `ImportFolderID`, v6 `ManagedFolderID`. */
export const shokoFileLocationSchema = z.looseObject({
  ID: id.nullish(),
  FileID: id.nullish(),
  ImportFolderID: id.nullish(),
  ManagedFolderID: id.nullish(),
  /** Relative to the import folder, with the server's OS separators. */
  RelativePath: z.string(),
  IsAccessible: z.boolean().nullish(),
});

/** `{ ID, AniDB }` of a series or episode in `File.SeriesIDs`; `ID` is Shoko's own. */
const crossReferenceIdsSchema = z.looseObject({ ID: id.nullish(), AniDB: id.nullish() });

/** `File.SeriesCrossReference`: only episodes Shoko has created are listed. */
export const shokoSeriesCrossReferenceSchema = z.looseObject({
  SeriesID: crossReferenceIdsSchema.nullish(),
  EpisodeIDs: z.array(crossReferenceIdsSchema).nullish(),
});

/** v3 `File`; `SeriesIDs` only when cross-references were asked for (and the file has any). */
export const shokoFileSchema = z.looseObject({
  ID: id,
  SeriesIDs: z.array(shokoSeriesCrossReferenceSchema).nullish(),
  Locations: z.array(shokoFileLocationSchema).nullish(),
});

export const shokoFileListSchema = z.array(shokoFileSchema);

export type ShokoFilePayload = z.infer<typeof shokoFileSchema>;

/** `FileCrossReferenceSignalRModel` (v5 and v6 alike). */
export const shokoEventCrossReferenceSchema = z.looseObject({
  EpisodeID: id.nullish(),
  AnidbEpisodeID: id.nullish(),
  SeriesID: id.nullish(),
  AnidbAnimeID: id.nullish(),
  GroupID: id.nullish(),
});

/** v5 `ShokoEvent:FileDetected`, v6 `file:detected`: no file id yet. */
export const shokoFileDetectedSchema = z.looseObject({
  RelativePath: z.string(),
  ImportFolderID: id.nullish(),
  ManagedFolderID: id.nullish(),
});

/** v5 `FileHashed`/`FileMatched`/`FileDeleted`, v6 `file:hashed`/`file:deleted`. */
export const shokoFileEventSchema = shokoFileDetectedSchema.extend({
  FileID: id,
  FileLocationID: id.nullish(),
  CrossReferences: z.array(shokoEventCrossReferenceSchema).nullish(),
});

/** v5 `ShokoEvent:FileNotMatched`. */
export const shokoFileNotMatchedSchema = shokoFileEventSchema.extend({
  AutoMatchAttempts: z.number().int().nullish(),
  HasCrossReferences: z.boolean().nullish(),
  IsUDPBanned: z.boolean().nullish(),
});

/** v5 `FileMoved`/`FileRenamed`, v6 `file:relocated` (with `Moved`/`Renamed` flags). */
export const shokoFileRelocatedSchema = shokoFileEventSchema.extend({
  PreviousRelativePath: z.string().nullish(),
  PreviousImportFolderID: id.nullish(),
  PreviousManagedFolderID: id.nullish(),
  Moved: z.boolean().nullish(),
  Renamed: z.boolean().nullish(),
});

/**
 * v6 `ReleaseVideoCrossReference`: AniDB ids as numbers, or (newer master) a `ProviderIDs`
 * dictionary of strings whose key names vary; both are read.
 */
export const shokoReleaseCrossReferenceSchema = z.looseObject({
  AnidbEpisodeID: id.nullish(),
  AnidbAnimeID: id.nullish(),
  ProviderIDs: z.record(z.string(), z.union([z.string(), z.number()])).nullish(),
});

/** v6 `ReleaseInfoSignalRModel` (only what we read). */
export const shokoReleaseInfoSchema = z.looseObject({
  ID: z.string().nullish(),
  ProviderName: z.string().nullish(),
  CrossReferences: z.array(shokoReleaseCrossReferenceSchema).nullish(),
});

/** v6 `release:saved`: the file was linked to a release; no path in the payload. */
export const shokoReleaseSavedSchema = z.looseObject({
  FileID: id,
  Release: shokoReleaseInfoSchema.nullish(),
});

/** v6 `release:search.completed`: `ReleaseInfo` null means no provider found the file. */
export const shokoReleaseSearchCompletedSchema = z.looseObject({
  FileID: id,
  IsSaved: z.boolean().nullish(),
  IsAutomatic: z.boolean().nullish(),
  AttemptedProviders: z.array(z.string()).nullish(),
  SelectedProvider: z.string().nullish(),
  ReleaseInfo: shokoReleaseInfoSchema.nullish(),
  ExceptionMessage: z.string().nullish(),
});
