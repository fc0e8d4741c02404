"""The OpenAI-compatible Videos API under /v1/ (issue 22).

Code written for OpenAI's Sora Videos API (`openai` SDK: `client.videos.create`,
`create_and_poll`, `download_content`, `remix`, characters) runs against this instance by
changing `base_url` and the key. It is a translation layer only: every request goes through the
same services, selectors, authentication, scopes, throttles and error hierarchy as /api/v1/.
"""
