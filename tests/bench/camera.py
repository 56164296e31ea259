"""A pinhole camera looking at the person, and the landmark arrays it would give.

Person frame as in ``tests.bench.body`` (m; +x person's left, +y up, +z forward). Camera
axes follow the image: +x right, +y down, +z along the optical axis, away from the lens.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Camera:
    """An ideal pinhole camera (no distortion, square pixels, centred principal point).

    Attributes
    ----------
    position : (3,) optical centre in the person frame, m.
    rotation : (3, 3) rows are the camera's x (right), y (down), z (forward) axes in the
        person frame.
    focal_px : focal length, px.
    image_size : (width, height), px.
    """

    position: np.ndarray
    rotation: np.ndarray
    focal_px: float
    image_size: tuple[int, int]

    def to_camera(self, points) -> np.ndarray:
        """Points (..., 3) in the person frame, m, to camera coordinates, m."""
        return (np.asarray(points) - self.position) @ self.rotation.T

    def project(self, points) -> np.ndarray:
        """Pixel coordinates (..., 2) of points (..., 3) in the person frame."""
        c = self.to_camera(points)
        w, h = self.image_size
        return np.stack([w / 2 + self.focal_px * c[..., 0] / c[..., 2],
                         h / 2 + self.focal_px * c[..., 1] / c[..., 2]], axis=-1)


def look_at(position, target, image_size=(1280, 720), hfov_deg: float = 65.0) -> Camera:
    """A level-horizon camera at ``position`` (3,) whose optical axis passes through
    ``target`` (3,), both m in the person frame; ``hfov_deg`` horizontal field of view."""
    position, target = np.asarray(position, float), np.asarray(target, float)
    fwd = target - position
    fwd /= np.linalg.norm(fwd)
    right = np.cross(fwd, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    down = np.cross(fwd, right)
    focal = image_size[0] / 2 / np.tan(np.radians(hfov_deg) / 2)
    return Camera(position, np.stack([right, down, fwd]), float(focal), tuple(image_size))


def place_camera(distance_m: float, height_m: float, aim_height_m: float, yaw_deg: float = 0.0,
                 offset_m: float = 0.0, image_size=(1280, 720), hfov_deg: float = 65.0) -> Camera:
    """A camera ``distance_m`` from the person (horizontally), lens ``height_m`` above the
    floor, pitched at the body point ``aim_height_m`` up; ``yaw_deg`` off the person's front
    (positive towards the person's left); then moved sideways without turning so the person
    stands ``offset_m`` right of the image centre."""
    yaw = np.radians(yaw_deg)
    pos = np.array([distance_m * np.sin(yaw), height_m, distance_m * np.cos(yaw)])
    cam = look_at(pos, [0.0, aim_height_m, 0.0], image_size, hfov_deg)
    shifted = cam.position - offset_m * cam.rotation[0]  # the right axis is horizontal
    return Camera(shifted, cam.rotation, cam.focal_px, cam.image_size)


def landmarks(camera: Camera, points, hip_mid) -> tuple[np.ndarray, np.ndarray]:
    """MediaPipe-style image and world landmark coordinates of posed points.

    Parameters
    ----------
    points : (n, 33, 3) person-frame points, m.
    hip_mid : (n, 3) mid-hip point, m.

    Returns
    -------
    image : (n, 33, 3) x, y normalised by image width and height, z relative depth from
        the mid-hip on the x scale (positive: further from the camera).
    world : (n, 33, 3) m, origin at the mid-hip, camera-aligned axes (x right, y down,
        z away from the camera), as the pose model reports them.
    """
    w, h = camera.image_size
    px = camera.project(points)
    depth = camera.to_camera(points)[..., 2]
    hip_depth = camera.to_camera(hip_mid)[:, 2:3]
    z = (depth - hip_depth) * camera.focal_px / (hip_depth * w)
    image = np.concatenate([px[..., :1] / w, px[..., 1:] / h, z[..., None]], axis=-1)
    world = (points - hip_mid[:, None, :]) @ camera.rotation.T
    return image, world
