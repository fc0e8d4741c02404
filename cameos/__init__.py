"""Cameos: verified likenesses and characters, who may use them, and where they appeared.

How the videos app wires in (cameos never imports videos):

- On create/remix/API request, inside `videos.services.generation_request` before writing rows:
  `cameos.permissions.cameos_resolve_for_prompt(user=, prompt=, selected_ids=)` -> list[Cameo]
  (picked ids + @handle mentions, at most 2; raises PermissionDenied / ValidationFailed with the
  reason, restrictions included). Store the cameo ids on the job/video.
- When the job runs (worker, before `gen_engine.generate`) and again at publish:
  `cameos.permissions.cameo_consent_still_valid(cameo_ids=, user=)` -> UseDecision; refuse with
  `decision.reason` / `decision.code` when `not decision.allowed` (`decision.raise_if_denied()`
  raises PermissionDenied).
- To build the engine spec: `cameos.engine.cameo_engine_ref(cameo)` -> gen_engine.CameoRef.
- After the draft is written (same transaction is fine):
  `cameos.services.appearance_record(cameo=, video_pk=, video_public_id=, video_owner=)` for each
  cameo; when a video is deleted: `cameos.services.appearance_forget(video_pk=)`.
- Co-ownership: `cameos.selectors.appearance_owner_ids(video_pk=)` -> owners of cameos in it
  (they may watch and delete the video, drafts included).
- From videos' AppConfig.ready(): `cameos.services.register_video_resolver(fn)`, where
  fn(video_ids) -> {id: cameos.services.VideoCard(title, status, poster_url, watch_url,
  can_delete)} in one query; the appearance page (/cameo/appearances/) shows those.
- Also from ready(): `cameos.services.register_video_deleter(fn)`, fn(video_id) ->
  DeletedVideo, deleting through the videos app's own deletion service; the appearance page's
  Delete button (`cameos.services.appearance_delete_video`) checks the ledger, then calls it.
- Create's picker lists `cameos.selectors.cameos_available_for(user=)` (the same list as
  `GET /cameos/available/?format=json` and the API's available cameos).
- Schedule `cameos.services.verification_clips_purge()` daily (or run the management command
  `purge_verification_clips`).
"""
