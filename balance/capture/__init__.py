"""Frame sources: webcam, video file, image folder; and the webcams there are."""

from balance.capture.cameras import Camera, list_cameras
from balance.capture.sources import (
    FrameSource, ImageFolderSource, VideoFileSource, WebcamSource, open_source,
)

__all__ = ["Camera", "FrameSource", "ImageFolderSource", "VideoFileSource", "WebcamSource",
           "list_cameras", "open_source"]
