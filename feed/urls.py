from django.urls import path

from feed import views

app_name = "feed"

urlpatterns = [
    path("feed/", views.feed, name="feed"),
    path("feed/tune/", views.tune, name="tune"),
    path("feed/v/<public_id:public_id>/like", views.like, name="like"),
    path("feed/v/<public_id:public_id>/view", views.view, name="view"),
    path("feed/v/<public_id:public_id>/see-less", views.see_less, name="see_less"),
    path("feed/v/<public_id:public_id>/comments", views.comments, name="comments"),
    path("feed/comments/<int:comment_id>/delete", views.comment_delete, name="comment_delete"),
    path("feed/u/<handle:handle>/follow", views.follow, name="follow"),
    path("feed/u/<handle:handle>/block", views.block, name="block"),
]
