"""Frame sources: webcam, video file, image folder."""

from balance.capture.sources import (
    FrameSource, ImageFolderSource, VideoFileSource, WebcamSource, open_source,
)

__all__ = ["FrameSource", "ImageFolderSource", "VideoFileSource", "WebcamSource", "open_source"]
